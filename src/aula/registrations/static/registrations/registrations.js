/* Registration pages: progressive enhancement only; every page works without it.
 *
 * input[name="time_zone"]  gets the browser's IANA time zone (times in e-mails in the
 *                          registrant's own zone as well as the event's).
 * [data-autofocus]         gets the focus: the error summary, or the heading of a result page,
 *                          so screen readers announce it.
 * [data-countdown="N"]     counts N seconds down as H:MM:SS (from the server's clock, not the
 *                          device's) and reloads the page at zero: the join link then opens.
 * form[data-autosubmit]    is submitted at once (the join link: a real browser goes straight
 *                          on to the meeting, while link scanners, which run no script, only
 *                          see the page and are not counted as people joining).
 */
(function () {
  "use strict";

  function fillTimeZone() {
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return;
    }
    document.querySelectorAll('input[name="time_zone"]').forEach(function (input) {
      if (!input.value) input.value = zone;
    });
  }

  function focusTarget() {
    var target = document.querySelector("[data-autofocus]");
    if (target) target.focus();
  }

  function pad(number) {
    return number < 10 ? "0" + number : String(number);
  }

  function countdowns() {
    document.querySelectorAll("[data-countdown]").forEach(function (element) {
      var seconds = parseInt(element.getAttribute("data-countdown"), 10);
      // Beyond a day the server's words ("2 days, 3 hours") say more than a ticking clock.
      if (isNaN(seconds) || seconds > 86400) return;
      var end = Date.now() + seconds * 1000;
      var timer = null;
      function tick() {
        var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
        element.textContent = Math.floor(left / 3600) + ":" + pad(Math.floor(left % 3600 / 60)) +
          ":" + pad(left % 60);
        if (left <= 0) {
          window.clearInterval(timer);
          // A second's margin, so the server agrees the link is open.
          window.setTimeout(function () { window.location.reload(); }, 1000);
        }
      }
      tick();
      timer = window.setInterval(tick, 1000);
    });
  }

  function autosubmit() {
    var form = document.querySelector("form[data-autosubmit]");
    // Once per page view: coming back to the page (the back button) does not join again.
    if (form && !form.hasAttribute("data-submitted")) {
      form.setAttribute("data-submitted", "");
      form.submit();
    }
  }

  function start() {
    fillTimeZone();
    focusTarget();
    countdowns();
    autosubmit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
