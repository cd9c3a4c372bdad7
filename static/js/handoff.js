// The hand-off page continues by itself; without JavaScript the person presses Continue.
document.querySelectorAll("form[data-auto-submit]").forEach((form) => form.submit());
