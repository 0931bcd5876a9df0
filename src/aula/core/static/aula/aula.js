/* Aula: progressive enhancement only; every page works without it.
 *
 * <time datetime="2021-06-10T07:00:00Z" data-local-time [data-local-end="…"]
 *       [data-time-zone="Europe/Vilnius"] [data-label="Your time:"]>
 * gets a sibling "Your time: Thu 10 June, 09:00–12:00 (CEST)" in the viewer's own zone,
 * unless the viewer's clock shows the event's times already.
 * [data-print] buttons are shown and print the page.
 */
(function () {
  "use strict";

  function viewerZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function part(parts, type) {
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].type === type) return parts[i].value;
    }
    return "";
  }

  // True when the viewer's clock shows the same time as the event's zone at that moment.
  function sameWallClock(moment, eventZone) {
    if (!eventZone) return false;
    var options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23" };
    try {
      var there = new Intl.DateTimeFormat("en-CA", Object.assign({ timeZone: eventZone }, options));
      return there.format(moment) === new Intl.DateTimeFormat("en-CA", options).format(moment);
    } catch (error) {
      return false;
    }
  }

  function localTimes() {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    var locale = document.documentElement.lang || undefined;
    if (locale === "en") locale = "en-GB"; // the site writes British English: "Thu 10 June"
    var zone = viewerZone();
    var dateFormat = new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "long" });
    var timeFormat = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    var zoneFormat = new Intl.DateTimeFormat(locale, { timeZoneName: "short" });
    var dayKey = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" });

    document.querySelectorAll("time[data-local-time]").forEach(function (element) {
      if (element.dataset.localTimeDone) return;
      if (zone && element.dataset.timeZone === zone) return;
      var start = new Date(element.getAttribute("datetime"));
      if (isNaN(start.getTime())) return;
      if (sameWallClock(start, element.dataset.timeZone)) return;
      var end = element.dataset.localEnd ? new Date(element.dataset.localEnd) : null;
      if (end && isNaN(end.getTime())) end = null;

      var text = dateFormat.format(start) + ", " + timeFormat.format(start);
      if (end) {
        var sameDay = dayKey.format(start) === dayKey.format(end);
        text += sameDay ? "–" + timeFormat.format(end)
          : " – " + dateFormat.format(end) + ", " + timeFormat.format(end);
      }
      var zoneName = part(zoneFormat.formatToParts(start), "timeZoneName");
      if (zoneName) text += " (" + zoneName + ")";

      var label = element.dataset.label || "Your time:";
      var output = document.createElement("span");
      output.className = "local-time";
      output.textContent = label + " " + text;
      element.insertAdjacentElement("afterend", output);
      element.dataset.localTimeDone = "1";
    });
  }

  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function start() {
    localTimes();
    printButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
