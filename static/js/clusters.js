// Cluster page: the tick box in the member table's header ticks or clears every row.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.closest("#member-table thead")) return;
  for (const row of document.querySelectorAll('#member-table tbody input[name="enterprises"]')) {
    row.checked = box.checked;
  }
});
