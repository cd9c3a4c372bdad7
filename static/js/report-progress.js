// Progressive enhancement for report progress pages: poll the status fragment and swap it in until the work is
// finished. Without JavaScript the page offers a "check again" link instead. No framework, nothing from a CDN.
(function () {
  "use strict";
  var regions = document.querySelectorAll("[data-poll-url]");
  if (!regions.length || !window.fetch) { return; }
  var fallbacks = document.querySelectorAll("[data-poll-fallback]");
  var announcer = document.querySelector("[data-poll-announce]");
  for (var f = 0; f < fallbacks.length; f++) { fallbacks[f].hidden = true; }

  function summary(region) {
    var node = region.querySelector(".portal-poll-summary");
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function finished(region) {
    return region.querySelector("[data-finished='true']") !== null;
  }

  function watch(region) {
    var url = region.getAttribute("data-poll-url");
    var interval = parseInt(region.getAttribute("data-poll-interval"), 10) || 2000;
    var failures = 0;
    function poll() {
      if (finished(region)) { return; }
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" }, cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (html) {
          failures = 0;
          var before = summary(region);
          var template = document.createElement("template");
          template.innerHTML = html.trim();
          var next = template.content.firstElementChild;
          var current = region.firstElementChild;
          if (next && (!current || current.outerHTML !== next.outerHTML)) {
            region.replaceChildren(next);
            var after = summary(region);
            if (announcer && after && after !== before) { announcer.textContent = after; }
          }
          window.setTimeout(poll, interval);
        })
        .catch(function () {
          failures += 1;
          window.setTimeout(poll, Math.min(interval * Math.pow(2, failures), 30000));
        });
    }
    window.setTimeout(poll, interval);
  }

  for (var r = 0; r < regions.length; r++) { watch(regions[r]); }
})();
