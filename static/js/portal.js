// Progressive enhancement only: every page works without this file.
// On listing pages, changing a filter or the sort order applies it at once.
(function () {
  "use strict";
  var form = document.getElementById("listing-form");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches('input[type="checkbox"], input[type="radio"], select')) {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
  document.documentElement.classList.add("js");
  // Leave empty fields out of the address, so shared links stay short and readable.
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && !field.disabled) { field.disabled = true; }
    });
  });
  // Coming back through the history restores the page as it was left: enable the fields again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
  });
})();
