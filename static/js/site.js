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
})();
