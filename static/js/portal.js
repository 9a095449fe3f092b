// Progressive enhancement only: every page works without this file.
// On listing pages, changing a filter or the sort order applies it at once.
// Long pickers (countries, organisations) get a field that filters their options as one types.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-picker]"), function (picker) {
    var options = picker.querySelectorAll(".picker-option");
    if (options.length < 12) { return; }
    var input = document.createElement("input");
    input.type = "search";
    input.className = "picker-filter";
    var legend = picker.closest("fieldset") && picker.closest("fieldset").querySelector("legend");
    input.setAttribute("aria-label", (legend ? legend.textContent.trim() + ": " : "") + picker.dataset.filterLabel);
    input.placeholder = picker.dataset.filterLabel + "…";
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(options, function (option) {
        option.hidden = needle !== "" && option.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
    picker.insertBefore(input, picker.firstChild);
  });
})();

(function () {
  "use strict";
  var form = document.getElementById("listing-form");
  if (!form) { return; }
  // Applied through the button the reader would have pressed (its formaction): a facet's own button brings the
  // reloaded page back to that facet (#facet-<name>), the sort button to the results.
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches('input[type="checkbox"], input[type="radio"], select')) { return; }
    var scope = target.closest("fieldset.facet") || target.closest(".sort");
    var button = scope && scope.querySelector(".facet-apply, .sort-apply");
    if (form.requestSubmit) {
      if (button) { form.requestSubmit(button); } else { form.requestSubmit(); }
    } else {
      if (button && button.getAttribute("formaction")) { form.action = button.getAttribute("formaction"); }
      form.submit();
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

// "Copy link" on an initiative's page (issue 13) and "Copy address" on a feed's page (issue 14): the button copies
// its field's address. Without this script the button stays hidden and the read-only field can be selected and
// copied by hand.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy-target]"), function (button) {
    var field = document.getElementById(button.dataset.copyTarget);
    if (!field) { return; }
    var status = button.closest(".copy-link") && button.closest(".copy-link").querySelector(".copy-status");
    var say = function (text) { if (status) { status.textContent = text; } };
    field.addEventListener("focus", function () { field.select(); });
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      var copied = function () { say(button.dataset.copied); };
      var fallback = function () {
        var done = false;
        try { done = document.execCommand("copy"); } catch (error) { done = false; }
        say(done ? button.dataset.copied : button.dataset.failed);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(copied, fallback);
      } else {
        fallback();
      }
    });
    button.hidden = false;
  });
})();
