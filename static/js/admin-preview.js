// Admin Markdown preview: htmx posts the form to the preview view as the admin types
// (hx-trigger on each textarea). This file only reports a failed preview in its box;
// the form itself works without JavaScript.
"use strict";
document.addEventListener("htmx:responseError", function (event) {
  var target = event.detail && event.detail.target;
  if (!target || !target.classList.contains("md-preview")) {
    return;
  }
  var note = document.createElement("p");
  note.className = "md-preview-error";
  note.textContent = target.getAttribute("data-error") || "Preview unavailable.";
  target.replaceChildren(note);
});
