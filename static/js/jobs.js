// A background job's page: ask for its status every second until it is done or failed.
(() => {
  const box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  const words = document.getElementById("job-words").dataset;
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  const show = (id, visible) => {
    document.getElementById(id).hidden = !visible;
  };
  const update = (state) => {
    document.getElementById("job-label").textContent = state.label;
    const bar = document.getElementById("job-progress");
    bar.max = state.total || 1;
    bar.value = state.done;
    document.getElementById("job-done-text").textContent = fill(words.done, state);
    document.getElementById("job-left-text").textContent = fill(words.left, state);
    document.getElementById("job-percent").textContent = state.percent;
    document.getElementById("job-message").textContent = state.message;
    show("job-message", Boolean(state.message));
    if (state.result_url) document.getElementById("job-result-link").href = state.result_url;
    show("job-result", Boolean(state.result_url));
    show("job-retry", state.retry);
  };
  const poll = () => {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((state) => {
        update(state);
        if (!state.finished) window.setTimeout(poll, 1000);
      })
      .catch(() => window.setTimeout(poll, 5000));
  };
  window.setTimeout(poll, 1000);
})();
