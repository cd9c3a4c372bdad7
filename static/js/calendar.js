// Progressive enhancement: a button that copies the calendar address (the address can always be selected by hand).
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-target]");
  if (!button || !navigator.clipboard) { return; }
  var input = document.getElementById(button.getAttribute("data-copy-target"));
  var status = document.querySelector(".portal-copy-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      status.textContent = "Address copied.";
    }, function () {
      input.select();
      status.textContent = "Select the address and copy it.";
    });
  });
})();
