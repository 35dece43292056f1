// Page behaviour shared by every page (a static file: the CSP allows no inline script).
// Keyboard focus survives htmx swaps: htmx itself refocuses an element whose id is in the new
// content; when the focused element is gone (a button replaced by the next stage's), focus
// moves to the new content's first invalid field, else its [data-focus-after-swap] element,
// else its first control, so a keyboard user never lands back at the top of the page.
(function () {
  "use strict";
  if (!window.htmx) return;
  let lost = null;

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    const active = document.activeElement;
    const target = event.detail.target;
    lost = active && target && (target === active || target.contains(active)) ? target.id : null;
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    if (lost === null) return;
    const id = lost;
    lost = null;
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    const region = document.getElementById(id);
    if (!region) return;
    const next =
      region.querySelector("[aria-invalid=true]") ||
      region.querySelector("[data-focus-after-swap]") ||
      region.querySelector("button:not([disabled]), a[href], input:not([type=hidden]), select, textarea") ||
      region;
    if (next === region && !region.hasAttribute("tabindex")) region.setAttribute("tabindex", "-1");
    next.focus({ preventScroll: false });
  });

  // Links and buttons that ask for a confirmation (data-confirm) before their form is sent.
  document.addEventListener("submit", function (event) {
    const submitter = event.submitter;
    const message = submitter && submitter.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
