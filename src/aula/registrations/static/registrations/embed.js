/* Aula's embed script, for a partner's page that shows Aula's registration form in a frame:
 *
 *   <iframe src="https://aula.example/en/p/project/event/embed/" title="Registration: …"
 *           loading="lazy" style="width:100%;border:0"></iframe>
 *   <script src="https://aula.example/embed.js" async></script>
 *
 * It sizes each frame to its content, so the form never scrolls inside the page: the form
 * sends {type: "aula:height", height} whenever its height changes. A message is taken only
 * when it comes from Aula's origin (the one this script was loaded from) AND from the window
 * of a frame that shows an Aula page; the height must be a sensible number. Nothing else of
 * the page is read or changed. No build, no dependency; loading it twice does no harm.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  var aula = new URL(script.src, document.baseURI).origin;
  var registry = window.__aulaEmbed = window.__aulaEmbed || {};
  if (registry[aula]) return;
  registry[aula] = true;

  var MAX_HEIGHT = 100000;

  function originOf(url) {
    try {
      return new URL(url, document.baseURI).origin;
    } catch (error) {
      return "";
    }
  }

  // Looked up at each message, so frames added later are found too.
  function frameOf(source) {
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === source && originOf(frames[i].src) === aula) {
        return frames[i];
      }
    }
    return null;
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== aula) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== "aula:height") return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0 || height > MAX_HEIGHT) return;
    var frame = frameOf(event.source);
    if (!frame) return;
    frame.style.height = Math.ceil(height) + "px";
    frame.setAttribute("data-aula-height", String(Math.ceil(height)));
  });
})();
