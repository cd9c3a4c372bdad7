// Progressive enhancement for the "proposing review groups" page: ask the portal every two seconds whether the
// proposal has finished and reload the page once it has. Without JavaScript the "Check again" button does this.
(function () {
  "use strict";
  var box = document.getElementById("grouping-run");
  if (!box || box.getAttribute("data-active") !== "1" || !window.fetch) { return; }
  var label = box.querySelector("[data-run-label]");
  var url = box.getAttribute("data-status-url");
  function check() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(check, 5000); return; }
        if (data.finished) { window.location.reload(); return; }
        if (label && label.textContent !== data.label) { label.textContent = data.label; }
        window.setTimeout(check, 2000);
      })
      .catch(function () { window.setTimeout(check, 5000); });
  }
  window.setTimeout(check, 2000);
})();
