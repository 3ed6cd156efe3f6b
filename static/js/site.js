/* Site behaviour. Loaded as a file: the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";
  // Submit a form as soon as its select changes (the language switch).
  document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Ask before a destructive action: <button data-confirm="Are you sure?">.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Hide a field while a checkbox is ticked: <input data-hidden-by="id_of_checkbox">
  // (an event's times while "All day" is ticked). Without JavaScript the field stays visible.
  document.querySelectorAll("[data-hidden-by]").forEach(function (input) {
    var checkbox = document.getElementById(input.getAttribute("data-hidden-by"));
    var wrapper = input.closest(".mb-3") || input.parentElement;
    if (!checkbox) { return; }
    var sync = function () { wrapper.hidden = checkbox.checked; };
    checkbox.addEventListener("change", sync);
    sync();
  });
})();
