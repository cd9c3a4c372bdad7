// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  // GOV.UK pattern: move focus to the error summary so screen readers announce it.
  var summary = document.querySelector("[data-module='error-summary']");
  if (summary) { summary.focus(); }
})();

// A form whose fields depend on a chosen role (the invitation form): show only the fields of the role chosen.
// Hidden fields are disabled so that a value typed before changing the role is not sent. Without JavaScript every
// field shows with a hint saying which roles it is for, and the server refuses one that does not fit the role.
(function () {
  "use strict";
  var groups = document.querySelectorAll("[data-for-roles]");
  if (!groups.length) { return; }
  var form = groups[0].closest("form");
  var select = form && form.querySelector("select[name='role']");
  if (!select) { return; }
  function update() {
    var role = select.value;
    Array.prototype.forEach.call(groups, function (group) {
      var shown = role !== "" && group.getAttribute("data-for-roles").split(" ").indexOf(role) !== -1;
      group.hidden = !shown;
      Array.prototype.forEach.call(group.querySelectorAll("input, select, textarea"), function (control) {
        control.disabled = !shown;
      });
    });
  }
  select.addEventListener("change", update);
  update();
})();
