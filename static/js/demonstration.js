// Small helpers of the selection pages; every page works without this file.
(function () {
  "use strict";
  const number = (value) => {
    const parsed = parseFloat(String(value || "").replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
    return Number.isFinite(parsed) ? parsed : 0;
  };
  const text = (value) => String(Math.round(value * 10) / 10);

  // Rubric editor: each dimension's indicator total, green when it matches the maximum.
  document.querySelectorAll("[data-dimension]").forEach((box) => {
    const update = () => {
      const sum = Array.from(box.querySelectorAll("[data-indicator-max]")).reduce((s, i) => s + number(i.value), 0);
      const max = number(box.querySelector("[data-dimension-max]").value);
      const label = box.querySelector("[data-dimension-sum]");
      label.textContent = label.textContent.replace(/[\d.]+\s*$/, text(sum));
      label.classList.toggle("ok", sum === max && max > 0);
      label.classList.toggle("bad", sum !== max);
      const total = document.getElementById("rubric-total");
      if (total) {
        total.textContent = text(Array.from(document.querySelectorAll("[data-dimension-max]")).reduce((s, i) => s + number(i.value), 0));
      }
    };
    box.addEventListener("input", update);
  });

  // Score sheet: the running total.
  const scoreTotal = document.querySelector("[data-score-total]");
  if (scoreTotal) {
    const inputs = Array.from(document.querySelectorAll(".points-input"));
    const update = () => { scoreTotal.textContent = text(inputs.reduce((s, i) => s + number(i.value), 0)); };
    inputs.forEach((input) => input.addEventListener("input", update));
  }

  // Recommendation: how many are ticked against the quota.
  const list = document.querySelector(".dm-recommend[data-quota]");
  const chosen = document.querySelector("[data-chosen]");
  if (list && chosen) {
    const quota = parseInt(list.dataset.quota, 10);
    const update = () => {
      const count = list.querySelectorAll("input[type=checkbox]:checked").length;
      chosen.textContent = String(count);
      chosen.closest(".dm-quota").classList.toggle("over", count > quota);
    };
    list.addEventListener("change", update);
  }

  // The unit chooser of the recommendation page goes to the chosen unit's page.
  document.querySelectorAll("select[data-navigate]").forEach((select) => {
    select.addEventListener("change", () => { window.location.href = select.value; });
  });

  // The notice's print button.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
})();
