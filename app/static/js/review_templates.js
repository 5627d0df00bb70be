/* Claimdesk review templates: picking one copies its text into the form's text box (named by
 * the picker's data-fills), where the reviewer can still change it. The server fills in the
 * text itself when a template is sent with an empty box, so this is a convenience only. */
(function () {
  "use strict";

  function fill(picker) {
    var option = picker.options[picker.selectedIndex];
    var text = option ? option.getAttribute("data-text") : null;
    var box = picker.form && picker.form.elements[picker.getAttribute("data-fills")];
    if (text !== null && box) {
      box.value = text;
    }
  }

  function init() {
    var pickers = document.querySelectorAll("select.claimdesk-template");
    for (var i = 0; i < pickers.length; i++) {
      if (!pickers[i].hasAttribute("data-ready")) {
        pickers[i].setAttribute("data-ready", "1");
        pickers[i].addEventListener("change", function (event) { fill(event.target); });
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
