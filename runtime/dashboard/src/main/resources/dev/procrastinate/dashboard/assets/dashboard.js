// Live figures: every few seconds, fetch this page again and swap each element marked data-live
// with its fresh copy. Pauses while the tab is hidden; the page works without this script.
(function () {
  "use strict";
  var interval = Number(document.body.getAttribute("data-refresh")) || 0;
  var status = document.getElementById("live-status");
  if (!interval || !window.fetch || !window.DOMParser || !document.querySelector("[data-live]")) {
    if (status) status.hidden = true;
    return;
  }
  var busy = false;
  function show(text, state) {
    if (!status) return;
    status.textContent = text;
    status.setAttribute("data-state", state);
  }
  function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(window.location.href, {
      headers: { "X-Procrastinate-Live": "1" },
      credentials: "same-origin",
      cache: "no-store"
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (element) {
          var name = element.getAttribute("data-live");
          var replacement = fresh.querySelector('[data-live="' + name + '"]');
          if (replacement && replacement.innerHTML !== element.innerHTML) {
            element.innerHTML = replacement.innerHTML;
          }
        });
        show("live · " + new Date().toLocaleTimeString(), "ok");
      })
      .catch(function () {
        show("offline", "error");
      })
      .then(function () {
        busy = false;
      });
  }
  show("live", "ok");
  window.setInterval(refresh, interval);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) refresh();
  });
})();
