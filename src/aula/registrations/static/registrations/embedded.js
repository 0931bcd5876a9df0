/* Inside the embedded registration form (a partner's page shows it in a frame).
 *
 * Tells the page around it how tall this document is — on load and whenever its size changes
 * (ResizeObserver: an error summary, a longer page after sending) — with
 *   postMessage({type: "aula:height", height: <CSS pixels>}, "*")
 * The height is no secret, so any parent may read it; the partner's script (/embed.js)
 * accepts it only from Aula's origin and from the frame it sizes.
 * Links inside the organisers' texts (the privacy notice) open in a new tab, not in the frame.
 */
(function () {
  "use strict";

  if (window.parent === window) return;  // opened on its own: nothing to tell

  var last = -1;

  function height() {
    var root = document.documentElement;
    return Math.ceil(Math.max(root.getBoundingClientRect().height, document.body.scrollHeight));
  }

  function tell() {
    var now = height();
    if (now === last) return;
    last = now;
    window.parent.postMessage({type: "aula:height", height: now}, "*");
  }

  function newTabLinks() {
    document.querySelectorAll(".privacy-notice a[href]").forEach(function (link) {
      link.setAttribute("target", "_blank");
      link.setAttribute("rel", "noopener");
    });
  }

  function start() {
    newTabLinks();
    // The frame's own height sets the viewport: measure the content, not the frame.
    document.documentElement.style.height = "auto";
    document.body.style.height = "auto";
    tell();
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(tell).observe(document.body);
    }
    window.addEventListener("load", tell);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
