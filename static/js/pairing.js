// Pairings: a filter box above the lead picker (the city's enterprises grouped by county-level
// unit). Progressive enhancement only: the form works without it.
(() => {
  document.querySelectorAll("select[data-filter-select]").forEach((select) => {
    const filter = document.createElement("input");
    filter.type = "search";
    filter.className = "pr-picker-filter";
    filter.placeholder = select.dataset.filterLabel || "";
    filter.setAttribute("aria-label", select.dataset.filterLabel || "");
    select.parentNode.insertBefore(filter, select);
    filter.addEventListener("input", () => {
      const text = filter.value.trim().toLowerCase();
      select.querySelectorAll("optgroup").forEach((group) => {
        let shown = 0;
        group.querySelectorAll("option").forEach((option) => {
          const hide = !option.selected && text && !option.text.toLowerCase().includes(text);
          option.hidden = Boolean(hide);
          if (!hide) shown += 1;
        });
        group.hidden = shown === 0;
      });
    });
  });
})();
