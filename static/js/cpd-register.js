// The register on a tablet: each mark is saved as it is chosen, in the background. Marks wait in this browser's
// localStorage until the server has them, so a dropped connection (or a reload while offline) loses nothing:
// they are sent again when the browser is back online, and every few seconds until then. Each row says whether
// its mark is saved. Without JavaScript the form's own "Save the marks" button does the same job.
(function () {
  "use strict";
  var form = document.querySelector("[data-offline-register]");
  if (!form || !window.fetch || !window.localStorage || !window.URLSearchParams) { return; }
  var url = form.getAttribute("data-save-url");
  var key = form.getAttribute("data-store-key");
  var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";
  var connection = document.querySelector("[data-register-connection]");
  var sending = false;
  var timer = null;
  var RETRY_MS = 4000;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(key) || "{}") || {}; } catch (e) { return {}; }
  }
  function store(queue) {
    try {
      if (Object.keys(queue).length) { window.localStorage.setItem(key, JSON.stringify(queue)); }
      else { window.localStorage.removeItem(key); }
    } catch (e) { /* storage full or blocked: the mark is still sent while online */ }
  }
  function show(name, text, state) {
    var node = document.getElementById("status-" + name);
    if (!node) { return; }
    node.textContent = text;
    node.className = "govuk-body-s portal-mark-status portal-mark-status--" + state;
  }
  function say(text) { if (connection) { connection.textContent = text; } }
  function showPending() {
    var queue = load();
    Object.keys(queue).forEach(function (name) { show(name, "Not saved yet", "pending"); });
    return Object.keys(queue).length;
  }
  function retryLater() {
    var waiting = showPending();
    if (waiting) {
      say("No connection: " + waiting + " mark" + (waiting === 1 ? " is" : "s are") +
          " kept on this device and will be sent when the connection is back.");
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(flush, RETRY_MS);
  }
  function flush() {
    var queue = load();
    var names = Object.keys(queue);
    if (!names.length || sending) { return; }
    sending = true;
    var body = new URLSearchParams();
    names.forEach(function (name) { body.append(name, queue[name]); });
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" },
      body: body
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      sending = false;
      var now = load();
      if (result.ok) {
        names.forEach(function (name) {
          // A mark changed again while this one was on its way stays queued and goes next.
          if (now[name] === queue[name]) { delete now[name]; show(name, "Saved", "saved"); }
        });
        store(now);
        say("All marks are saved.");
        if (Object.keys(now).length) { flush(); }
      } else if (result.data && result.data.final) {
        names.forEach(function (name) {
          if (now[name] === queue[name]) { delete now[name]; show(name, "Not saved: " + result.data.error, "refused"); }
        });
        store(now);
        say("Not saved: " + result.data.error);
      } else {
        retryLater();
      }
    }).catch(function () {
      sending = false;
      retryLater();
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.name || input.name.indexOf("mark_") !== 0) { return; }
    var queue = load();
    queue[input.name] = input.value;
    store(queue);
    show(input.name, navigator.onLine === false ? "Not saved yet" : "Saving", "pending");
    flush();
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", retryLater);

  // Marks queued before a reload are shown as chosen and sent again.
  var queued = load();
  Object.keys(queued).forEach(function (name) {
    var radios = form.querySelectorAll("input[name='" + name + "']");
    for (var i = 0; i < radios.length; i++) { if (radios[i].value === queued[name]) { radios[i].checked = true; } }
  });
  if (showPending()) { flush(); }
})();
