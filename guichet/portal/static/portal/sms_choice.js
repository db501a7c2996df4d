/* "Recevoir aussi un SMS" (data-needs-mobile="<the phone field's id>") is enabled while the
   phone field holds a mobile's number: 06 or 07 in France, or any number with a foreign
   "+" / "00" prefix (the server checks those). Unticked while disabled, so that nobody
   thinks an SMS will come, and ticked again when the number is mended. Without JavaScript
   the box stays enabled and the server says what is missing. */
(function () {
  "use strict";
  var FRENCH_MOBILE = /^(\+33|0033|0)[67]\d{8}$/;
  var FOREIGN = /^(\+|00)(?!33)\d{6,15}$/;

  function isMobile(text) {
    var digits = text.replace(/[\s.\-()]/g, "").replace(/^\+33\(?0\)?/, "+33");
    return FRENCH_MOBILE.test(digits) || FOREIGN.test(digits);
  }

  function wire(box) {
    var phone = document.getElementById(box.getAttribute("data-needs-mobile"));
    if (!phone) return;
    var wanted = box.checked;
    function update() {
      var mobile = isMobile(phone.value);
      box.disabled = !mobile;
      box.checked = mobile && wanted;
    }
    box.addEventListener("change", function () { wanted = box.checked; });
    phone.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-needs-mobile]").forEach(wire);
  });
})();
