// Copy the client link with one click. Without this script the link stays in a
// read-only input that can be selected and copied by hand.
(function () {
  "use strict";

  function announce(status, text) {
    if (!status) return;
    // Clear first so screen readers announce the same word on a second click.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) return;
    var row = button.closest(".form-row") || document;
    var status = row.querySelector("[data-copy-status]");
    var copied = status ? status.getAttribute("data-copied") : "Copied";
    var selected = status ? status.getAttribute("data-select") : "";

    function selectText() {
      input.focus();
      input.select();
      input.setSelectionRange(0, input.value.length);
    }

    function fallback() {
      selectText();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (error) {
        ok = false;
      }
      announce(status, ok ? copied : selected);
    }

    button.hidden = false;
    input.addEventListener("focus", selectText);
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () {
          selectText();
          announce(status, copied);
        }, fallback);
      } else {
        fallback();
      }
    });
  });
})();
