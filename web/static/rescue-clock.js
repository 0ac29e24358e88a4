// SLA countdowns of the rescue pages. Every <time data-due> shows the time
// left until its due instant, or how long it is overdue, ticking each
// second; its clock (and its queue row) turns red once the instant passes.
// The times count from the server's clock: a section's data-server-now is
// the server's instant when it rendered, so a browser whose clock is off
// (or a test server on a fixed clock) still counts right. Sections that
// htmx swaps in bring their own data-server-now and are picked up on the
// next tick. Without JavaScript the server's text stays.
"use strict";
(function () {
  var offset = 0; // server time minus this browser's time, in ms

  function sync() {
    document.querySelectorAll("[data-server-now]:not([data-synced])").forEach(function (el) {
      var server = Date.parse(el.dataset.serverNow);
      if (!isNaN(server)) {
        offset = server - Date.now();
      }
      el.dataset.synced = "1";
    });
  }

  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    s = s % 60;
    return h + ":" + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    sync();
    var now = Date.now() + offset;
    document.querySelectorAll("time[data-due]").forEach(function (el) {
      var left = Date.parse(el.dataset.due) - now;
      var over = left < 0;
      el.textContent = (over ? el.dataset.over : el.dataset.left).replace("{t}", span(left));
      var clock = el.closest("[data-clock]");
      if (over && clock && clock.dataset.breached !== "true") {
        clock.dataset.breached = "true";
        clock.classList.add("breached");
        var row = clock.closest("tr");
        if (row) {
          row.classList.add("breached");
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
  });
})();
