/* Guichet back office: keyboard shortcuts, listed in a dialog ("?" or the header's button).
   Single keys, ignored while typing in a field or with Ctrl, Alt or Meta held. */
(function () {
  "use strict";

  var dialog = document.getElementById("shortcuts-dialog");
  var script = document.currentScript;
  var inboxUrl = script ? script.dataset.inboxUrl : "/backoffice/";
  var opener = document.querySelector("[data-shortcuts-open]");
  var current = -1;

  function typing(target) {
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function openHelp() {
    if (dialog && typeof dialog.showModal === "function" && !dialog.open) dialog.showModal();
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) return false;
    field.scrollIntoView({ block: "center" });
    field.focus();
    return true;
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll(".case-table tbody tr"));
  }

  function move(step) {
    var list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(list.length - 1, current + step));
    var link = list[current].querySelector("th a");
    if (link) link.focus();
  }

  if (opener && dialog) {
    opener.hidden = false;
    opener.addEventListener("click", openHelp);
  }
  if (dialog) {
    dialog.querySelector("[data-shortcuts-close]").addEventListener("click", function () {
      dialog.close();
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    if (dialog && dialog.open) return;
    var handled = true;
    switch (event.key) {
      case "?": openHelp(); break;
      case "/": handled = focusField("id_q"); break;
      case "j": move(1); break;
      case "k": move(-1); break;
      case "x": {
        var list = rows();
        var box = current >= 0 && list[current] ? list[current].querySelector("input[type=checkbox]") : null;
        if (box) box.click(); else handled = false;
        break;
      }
      case "g": window.location.href = inboxUrl; break;
      case "r": handled = focusField("message_body"); break;
      case "n": handled = focusField("note_body"); break;
      case "a": handled = focusField("assign_assignee"); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
