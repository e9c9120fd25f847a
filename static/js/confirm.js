// Ask in a <dialog> before a form with data-confirm submits; the answer "yes" is sent
// as confirmed=1. Without JavaScript the server shows a page asking the same question.
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var text = dialog.querySelector("[data-confirm-text]");
  var yes = dialog.querySelector("[data-confirm-yes]");
  var pending = null;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (!message || form.querySelector("input[name=confirmed]")) return;
    event.preventDefault();
    pending = form;
    text.textContent = message;
    yes.textContent = form.getAttribute("data-confirm-button") || yes.getAttribute("data-default");
    dialog.returnValue = "";
    dialog.showModal();
  });

  dialog.addEventListener("close", function () {
    var form = pending;
    pending = null;
    if (!form || dialog.returnValue !== "yes") return;
    var flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "confirmed";
    flag.value = "1";
    form.appendChild(flag);
    form.submit();
  });
})();
