// Admin run lists: while a run is queued or running ([data-run-active]), the list refreshes
// itself every few seconds, so its progress shows without reloading the page.
(function () {
  "use strict";
  const EVERY_MS = 3000;
  function refresh() {
    if (!document.querySelector("#result_list [data-run-active]")) return;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("result_list");
        const current = document.getElementById("result_list");
        if (fresh && current) current.replaceWith(document.importNode(fresh, true));
      })
      .catch(function () {})
      .finally(function () { setTimeout(refresh, EVERY_MS); });
  }
  document.addEventListener("DOMContentLoaded", function () { setTimeout(refresh, EVERY_MS); });
})();
