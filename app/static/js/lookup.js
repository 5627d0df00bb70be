/* Claimdesk pick lists: Select2 with options loaded by search from /lookup/<kind>?q=...
 * A list with data-depends-on follows another one: the patient list only offers the chosen
 * member's dependents, and is cleared when the member changes. */
(function ($) {
  "use strict";

  function init(element) {
    var $el = $(element);
    if ($el.data("select2")) {
      return;
    }
    var master = $el.data("depends-on");
    $el.select2({
      theme: "bootstrap",
      width: "100%",
      allowClear: true,
      placeholder: $el.data("placeholder") || "",
      ajax: {
        url: $el.data("lookup-url"),
        dataType: "json",
        delay: 250,
        data: function (params) {
          var query = {q: params.term || ""};
          if (master) {
            // no member chosen yet: offer nothing rather than everyone's dependents
            query.member = $("#" + master).val() || "0";
          }
          return query;
        }
      }
    });
    if (master) {
      $("#" + master).on("change", function () {
        $el.val(null).trigger("change");
      });
    }
  }

  $(function () {
    $("select.claimdesk-lookup").each(function () { init(this); });
    // Search filters are added to the page later: initialise their pick lists as they appear.
    new MutationObserver(function () {
      $("select.claimdesk-lookup").each(function () { init(this); });
    }).observe(document.body, {childList: true, subtree: true});
  });
})(jQuery);
