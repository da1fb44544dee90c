// Cases and media reports: small progressive enhancements; every page works without them.
(() => {
  // "Print" buttons of the printable case page.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });

  // The pilot picker: a filter box above the list, and only the chosen plan year's pilots.
  document.querySelectorAll("select[data-pilot-select]").forEach((select) => {
    const filter = document.createElement("input");
    filter.type = "search";
    filter.className = "pr-picker-filter";
    filter.placeholder = select.dataset.filterLabel || "";
    filter.setAttribute("aria-label", select.dataset.filterLabel || "");
    select.parentNode.insertBefore(filter, select);
    const year = select.form ? select.form.querySelector("select[name=plan_year]") : null;
    const apply = () => {
      const text = filter.value.trim().toLowerCase();
      select.querySelectorAll("optgroup").forEach((group) => {
        const otherYear = year && group.label !== year.value;
        let shown = 0;
        group.querySelectorAll("option").forEach((option) => {
          const hide = !option.selected && (otherYear || (text && !option.text.toLowerCase().includes(text)));
          option.hidden = hide;
          if (!hide) shown += 1;
        });
        group.hidden = shown === 0;
      });
    };
    filter.addEventListener("input", apply);
    if (year) year.addEventListener("change", apply);
    apply();
  });
})();
