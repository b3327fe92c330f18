// Admin pickers: a search box filters a long list of checkboxes (verdicts) or options
// (clauses) by their text. Without JavaScript the whole list is shown and works.
"use strict";
function supportscopeFilter(input) {
  var needle = input.value.trim().toLowerCase();
  var scope = input.closest("form") || document;
  scope.querySelectorAll("." + input.getAttribute("data-filters") + " li, select.clause-picker option").forEach(function (item) {
    if (item.tagName === "OPTION" && input.getAttribute("data-filters") !== "clause-picker") {
      return;
    }
    item.hidden = needle !== "" && item.textContent.toLowerCase().indexOf(needle) === -1;
  });
}
document.addEventListener("input", function (event) {
  if (event.target.classList && event.target.classList.contains("picker-filter")) {
    supportscopeFilter(event.target);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select.clause-picker").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-filter";
    box.setAttribute("data-filters", "clause-picker");
    box.setAttribute("aria-label", select.getAttribute("data-filter-label") || "Filter clauses");
    box.placeholder = select.getAttribute("data-filter-label") || "Filter clauses";
    select.parentNode.insertBefore(box, select);
  });
});
