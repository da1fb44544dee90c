// Registration form: the credit code and the name are checked as the user types, and the
// township and park choices narrow to the chosen county. The server checks all again on submit.
(() => {
  const textsNode = document.getElementById("check-texts");
  const texts = textsNode ? JSON.parse(textsNode.textContent) : {};

  function live(name) {
    return document.querySelector(`[data-live-for="${name}"]`);
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function link(href, label) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    return a;
  }

  function debounce(fn, ms) {
    let timer;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  async function fetchJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  function showEnterprise(node, summary) {
    if (summary.in_scope) {
      node.append(link(summary.url, summary.name));
      if (summary.register_url) {
        node.append(" · ", link(summary.register_url, texts.register || "register a pilot"));
      }
    } else {
      node.append(`${texts.outside || ""} ${summary.county}`);
    }
  }

  function checkCode(input) {
    const node = live("credit_code");
    const value = input.value.trim();
    clear(node);
    node.className = "field-live";
    if (!value) return;
    const url = new URL(input.dataset.checkUrl, window.location.href);
    url.searchParams.set("code", value);
    if (input.dataset.exclude) url.searchParams.set("exclude", input.dataset.exclude);
    fetchJson(url).then((answer) => {
      const code = answer.code;
      clear(node);
      if (!code.valid) {
        node.className = "field-live bad";
        node.textContent = code.message;
      } else if (code.existing) {
        node.className = "field-live warn";
        node.append(`${texts.existing || code.message} `);
        showEnterprise(node, code.existing);
      } else {
        node.className = "field-live good";
        node.textContent = `✔ ${code.message}`;
      }
    }).catch(() => {});
  }

  function checkName(input) {
    const node = live("name");
    clear(node);
    node.className = "field-live";
    if (input.value.trim().length < 4) return;
    const url = new URL(input.dataset.checkUrl, window.location.href);
    url.searchParams.set("name", input.value.trim());
    if (input.dataset.exclude) url.searchParams.set("exclude", input.dataset.exclude);
    fetchJson(url).then((answer) => {
      clear(node);
      const similar = answer.similar || [];
      if (!similar.length) return;
      node.className = "field-live warn";
      node.append(`${texts.similar || ""} `);
      similar.forEach((summary, index) => {
        if (index) node.append("；");
        showEnterprise(node, summary);
      });
    }).catch(() => {});
  }

  // The industry as the form will read it: the GB/T 4754-2017 entry it names, or the closest
  // entries as buttons that put "code name" into the field.
  function checkIndustry(input) {
    const node = live("industry");
    clear(node);
    node.className = "field-live";
    const value = input.value.trim();
    if (!value) return;
    const url = new URL(input.dataset.checkUrl, window.location.href);
    url.searchParams.set("industry", value);
    fetchJson(url).then((answer) => {
      const found = answer.industry || {};
      if (input.value.trim() !== value) return; // typed on meanwhile
      clear(node);
      if (found.error) {
        node.className = "field-live bad";
        node.textContent = found.error;
      } else if (found.match) {
        node.className = "field-live good";
        node.textContent = `✔ ${found.match}`;
      } else if (found.suggestions && found.suggestions.length) {
        node.className = "field-live warn industry-suggestions";
        node.append(`${texts.industry_none || ""} `);
        found.suggestions.forEach((label) => {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "suggestion";
          button.textContent = label;
          button.addEventListener("click", () => {
            input.value = label;
            dropServerErrors(input);
            checkIndustry(input);
            input.focus();
          });
          node.append(button, " ");
        });
      } else if (found.suggestions) {
        node.className = "field-live warn";
        node.textContent = texts.industry_kept || "";
      }
    }).catch(() => {});
  }

  function refill(select, items) {
    if (!select) return;
    const keep = select.value;
    const blank = Array.from(select.options).find((option) => option.value === "");
    clear(select);
    if (blank) select.append(blank);
    items.forEach((item) => {
      const option = new Option(item.name, String(item.id));
      if (String(item.id) === keep) option.selected = true;
      select.append(option);
    });
  }

  function narrow(county) {
    if (!county.value) return;
    const url = new URL(county.dataset.choicesUrl, window.location.href);
    url.searchParams.set("county", county.value);
    fetchJson(url).then((answer) => {
      refill(document.querySelector('[data-narrow="townships"]'), answer.townships);
      refill(document.querySelector('[data-narrow="parks"]'), answer.parks);
    }).catch(() => {});
  }

  // Once the user types again, the server's message about the old value is out of date.
  function dropServerErrors(input) {
    const field = input.closest(".field");
    if (!field) return;
    field.classList.remove("has-error");
    field.querySelectorAll(".errorlist").forEach((list) => list.remove());
  }

  const code = document.querySelector('input[name="credit_code"][data-check-url]');
  if (code) {
    const run = debounce(() => checkCode(code), 300);
    code.addEventListener("input", () => {
      dropServerErrors(code);
      run();
    });
    // After a submit the server has already said what is wrong; do not say it twice.
    const hasServerError = code.closest(".field")?.classList.contains("has-error");
    if (code.value && !hasServerError) checkCode(code);
  }
  const industry = document.querySelector('input[name="industry"][data-check-url]');
  if (industry) {
    industry.addEventListener("input", debounce(() => checkIndustry(industry), 300));
  }
  const name = document.querySelector('input[name="name"][data-check-url]');
  if (name) {
    name.addEventListener("input", debounce(() => checkName(name), 400));
  }
  // A field asked only for one choice of another (whether the state controls a
  // mixed-ownership enterprise): shown while that choice is selected.
  document.querySelectorAll("select[data-reveals]").forEach((select) => {
    const target = document.getElementById(select.dataset.reveals);
    if (!target) return;
    const update = () => {
      target.hidden = select.value !== select.dataset.revealsWhen;
    };
    select.addEventListener("change", update);
    update();
  });
  const county = document.querySelector("select[data-choices-url]");
  if (county) {
    county.addEventListener("change", () => narrow(county));
    if (county.value) narrow(county);
  }
})();
