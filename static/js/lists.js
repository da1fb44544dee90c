// Lists: the filter panel starts open on wide screens and folded on phones.
(() => {
  if (window.matchMedia("(min-width: 721px)").matches) {
    document.querySelectorAll("details.filter-card").forEach((panel) => {
      panel.open = true;
    });
  }
})();
