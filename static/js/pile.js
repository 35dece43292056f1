// Rank a pile: a filter box narrows the list of pool candidates as you type (the list is
// plain checkboxes, so the form works without this script).
(function () {
  "use strict";
  function setup(root) {
    (root || document).querySelectorAll("input[data-filter-list]").forEach(function (input) {
      if (input.dataset.filterReady) return;
      input.dataset.filterReady = "1";
      const list = document.getElementById(input.dataset.filterList);
      if (!list) return;
      input.addEventListener("input", function () {
        const q = input.value.trim().toLowerCase();
        list.querySelectorAll("label").forEach(function (label) {
          const row = label.closest("div") || label;
          row.hidden = q !== "" && !label.textContent.toLowerCase().includes(q);
        });
      });
    });
  }
  if (window.htmx) window.htmx.onLoad(setup);
  else document.addEventListener("DOMContentLoaded", function () { setup(document); });
})();
