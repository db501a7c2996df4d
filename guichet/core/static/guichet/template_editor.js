/* Guichet designer, notification templates: each variable of the list becomes a button that
   inserts "{{ variable }}" at the cursor of the subject or body last focused (the first
   template's body before any), puts the focus back after it and fires "input", so that the
   row's live preview (htmx, on the fieldset) follows. Without JavaScript the plain list of
   variables stays and the buttons stay hidden. */
(function () {
  "use strict";

  function start() {
    var buttons = document.querySelectorAll("[data-insert-variable]");
    if (!buttons.length) return;
    var fields = document.querySelectorAll("[data-template-field]");
    var last = document.getElementById("body_0") || fields[0] || null;

    Array.prototype.forEach.call(fields, function (field) {
      field.addEventListener("focus", function () {
        last = field;
      });
    });

    function insert(name) {
      if (!last || !last.isConnected) return;
      var text = "{{ " + name + " }}";
      var value = last.value;
      var start = typeof last.selectionStart === "number" ? last.selectionStart : value.length;
      var end = typeof last.selectionEnd === "number" ? last.selectionEnd : start;
      last.focus();
      last.setRangeText(text, start, end, "end");
      last.dispatchEvent(new Event("input", { bubbles: true }));
    }

    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      var plain = button.parentNode.querySelector("[data-variable-text]");
      if (plain) plain.hidden = true;
      button.addEventListener("click", function () {
        insert(button.dataset.insertVariable);
      });
    });
    var help = document.querySelector("[data-insert-help]");
    if (help) help.hidden = false;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
