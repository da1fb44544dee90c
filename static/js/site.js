// Small progressive enhancements; every page works without this file.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.submit();
  }
});

// The menus of the top bar: opening one closes the others; a click elsewhere closes them all.
const navGroups = () => document.querySelectorAll("details.nav-group");
document.addEventListener("toggle", (event) => {
  const opened = event.target;
  if (!(opened instanceof HTMLDetailsElement) || !opened.classList.contains("nav-group")) return;
  if (opened.open) navGroups().forEach((group) => { if (group !== opened) group.open = false; });
}, true);
document.addEventListener("click", (event) => {
  if (!event.target.closest("details.nav-group")) navGroups().forEach((group) => { group.open = false; });
});
