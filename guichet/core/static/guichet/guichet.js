/* Guichet: small enhancements, each optional (the pages work without JavaScript). */
(function () {
  "use strict";

  /* Disclosures marked data-open-wide (the inbox's filters) start open on a wide screen:
     folding them only saves room on a phone. */
  if (window.matchMedia && window.matchMedia("(min-width: 60rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }

  /* The language selector: with JavaScript, choosing a language changes it at once and its
     "Changer" button is hidden; without, the button sends the form. */
  document.querySelectorAll("form.language-switcher").forEach(function (form) {
    var select = form.querySelector("select");
    var button = form.querySelector("button[type=submit]");
    if (!select || !button) return;
    button.hidden = true;
    select.addEventListener("change", function () {
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    });
  });

  /* Confirmation before a destructive action: a submit button (or its form) with
     data-confirm="question" opens the page's <dialog>; data-confirm-button names the
     action on the dialog's button. The form is sent only when the user confirms. */
  var dialog = document.getElementById("confirm-dialog");
  if (dialog && typeof dialog.showModal === "function") {
    var pending = null;
    var okButton = dialog.querySelector("[data-confirm-ok]");
    var okLabel = okButton.textContent;
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var button = event.submitter;
      var question = (button && button.dataset.confirm) || form.dataset.confirm;
      if (!question || form.dataset.confirmed === "1") return;
      event.preventDefault();
      pending = { form: form, button: button };
      dialog.querySelector("#confirm-dialog-message").textContent = question;
      okButton.textContent = (button && button.dataset.confirmButton) || okLabel;
      dialog.returnValue = "";
      dialog.showModal();
    });
    okButton.addEventListener("click", function () { dialog.close("confirm"); });
    dialog.querySelector("[data-confirm-cancel]").addEventListener("click", function () {
      dialog.close("cancel");
    });
    dialog.addEventListener("close", function () {
      var action = pending;
      pending = null;
      if (!action) return;
      if (dialog.returnValue === "confirm") {
        action.form.dataset.confirmed = "1";
        if (action.form.requestSubmit) action.form.requestSubmit(action.button || undefined);
        else action.form.submit();
      } else if (action.button) {
        action.button.focus();
      }
    });
  }
})();
