// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  // GOV.UK pattern: move focus to the error summary so screen readers announce it.
  var summary = document.querySelector("[data-module='error-summary']");
  if (summary) { summary.focus(); }
})();

// GOV.UK character count (templates/includes/field.html): a long text says how many characters are left as the
// person types. The limit is told in words without JavaScript and enforced by the server either way. The visible
// count is hidden from screen readers; a polite live region says the same once typing pauses, so that a screen
// reader is not interrupted at every key.
(function () {
  "use strict";
  function words(count) {
    var number = Math.abs(count).toLocaleString("en-GB");
    var noun = Math.abs(count) === 1 ? "character" : "characters";
    return count >= 0 ? "You have " + number + " " + noun + " remaining" : "You have " + number + " " + noun + " too many";
  }
  document.querySelectorAll("[data-module='govuk-character-count']").forEach(function (wrapper) {
    var box = wrapper.querySelector("textarea");
    var limitHint = wrapper.querySelector(".govuk-character-count__message");
    var limit = parseInt(wrapper.getAttribute("data-maxlength"), 10);
    if (!box || !limitHint || !limit) { return; }
    var visible = document.createElement("div");
    visible.className = "govuk-hint govuk-character-count__status";
    visible.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("div");
    spoken.className = "govuk-character-count__sr-status govuk-visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    limitHint.classList.add("govuk-visually-hidden");  // still the box's description: "You can enter up to ..."
    limitHint.insertAdjacentElement("afterend", visible);
    visible.insertAdjacentElement("afterend", spoken);
    var timer = null;
    function update(speak) {
      var left = limit - box.value.length;
      visible.textContent = words(left);
      visible.classList.toggle("govuk-error-message", left < 0);
      visible.classList.toggle("govuk-hint", left >= 0);
      box.classList.toggle("govuk-textarea--error", left < 0 || wrapper.closest(".govuk-form-group--error") !== null);
      if (speak) {
        clearTimeout(timer);
        timer = setTimeout(function () { spoken.textContent = words(limit - box.value.length); }, 1000);
      }
    }
    box.addEventListener("input", function () { update(true); });
    update(false);
  });
})();

// A "Print" button (the visit programme): shown only where JavaScript can print; the browser's own Print works
// everywhere, with the print styles in portal.css.
(function () {
  "use strict";
  document.querySelectorAll("[data-portal-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
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
