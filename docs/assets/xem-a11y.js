/* Accessibility fixes to the theme's generated markup, applied as it appears (Material adds its
 * copy buttons and search dialog from JavaScript). No change to what sighted mouse users see.
 *  - The search dialog gets a name (axe: aria-dialog-name).
 *  - Each copy button is named after the command it copies, and the <nav> around it stops
 *    being one more unlabelled navigation landmark (axe: landmark-unique).
 *  - Tables and code blocks that scroll sideways (hand-written pages) can be scrolled from the
 *    keyboard (axe: scrollable-region-focusable). */
(function () {
  "use strict";

  function commandOf(button) {
    var block = button.closest(".highlight, pre");
    var code = block && block.querySelector("code");
    return code ? code.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function fix(root) {
    root.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (d) {
      d.setAttribute("aria-label", "Search");
    });
    root.querySelectorAll('button[data-md-type="copy"]:not([data-xem-named]), button.md-clipboard:not([data-xem-named])').forEach(function (b) {
      var text = commandOf(b);
      var short = text.length > 80 ? text.slice(0, 77) + "..." : text;
      b.setAttribute("data-xem-named", "1");
      if (short) {
        b.setAttribute("aria-label", "Copy to clipboard: " + short);
        b.title = "Copy to clipboard: " + short;
      }
      var nav = b.closest("nav");
      if (nav) nav.setAttribute("role", "none");  // a wrapper for one button, not a landmark
    });
    root.querySelectorAll(".md-typeset pre > code:not([tabindex])").forEach(function (c) {
      if (c.scrollWidth > c.clientWidth + 1) c.setAttribute("tabindex", "0");  // scrollable by keyboard
    });
    root.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (w, i) {
      var head = w.querySelector("th");
      w.setAttribute("tabindex", "0");
      w.setAttribute("role", "region");
      w.setAttribute("aria-label", "Table " + (i + 1) + (head ? " (" + head.textContent.trim() + ")" : ""));
    });
  }

  function start() {
    fix(document);
    new MutationObserver(function () { fix(document); })
      .observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
