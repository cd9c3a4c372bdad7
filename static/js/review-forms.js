// Review forms (evidence notes, findings, the report, the self-review): nothing is saved without the Save button.
// As a progressive enhancement, warn before leaving a page whose form has unsaved typing, so that a tap on a
// link on a tablet does not lose a note.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-portal-unsaved-warning]");
  if (!forms.length) { return; }
  var dirty = false;
  forms.forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = "";
  });
})();
