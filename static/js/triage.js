// The triage page's enhancements. Every step works without this file: the
// choices are submit buttons of a GET form and every link is a plain href.
//
// With it: "Copy for ticket" to the clipboard (the search box over long choice
// lists is plain htmx: the server ranks the choices, with or without this file), focus moved to the new question after each htmx swap, the language
// links kept in step with the address bar, and 400 pages swapped in like any step.
"use strict";

(function () {
  // Elements already wired up. History snapshots are copies, so they are wired up again.
  const ready = new WeakSet();

  function setUpCopy(root) {
    for (const button of root.querySelectorAll("[data-copy]")) {
      if (ready.has(button)) continue;
      ready.add(button);
      button.hidden = false;
      const text = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector(".copy-status");
      button.addEventListener("click", async () => {
        status.textContent = "";
        try {
          await navigator.clipboard.writeText(text.value);
          status.textContent = status.dataset.copied;
        } catch (error) {
          text.focus();
          text.select();
          status.textContent = status.dataset.copyFailed;
        }
      });
    }
  }

  // The language links in the header were rendered for the first page; keep them
  // pointing at the step in the address bar.
  function updateLanguageLinks() {
    for (const link of document.querySelectorAll(".lang-switch a[hreflang]")) {
      const params = new URLSearchParams(window.location.search);
      params.set("lang", link.getAttribute("hreflang"));
      link.href = window.location.pathname + "?" + params.toString();
    }
    const open = document.querySelector(".embed-open");
    if (open) {
      const params = new URLSearchParams(window.location.search);
      params.delete("embed");
      params.delete("parent_origin");
      const query = params.toString();
      open.href = window.location.pathname + (query ? "?" + query : "");
    }
  }

  function setUp(root) {
    setUpCopy(root);
  }

  document.addEventListener("DOMContentLoaded", () => setUp(document));

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    // A 400 page names the bad value and offers the allowed ones: show it like any step.
    if (event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterSettle", () => {
    const triage = document.getElementById("triage");
    if (!triage) return;
    setUp(triage);
    // The swap removed the focused link or button: start again at the new step's heading.
    if (!triage.contains(document.activeElement)) {
      const heading = triage.querySelector("[data-focus]");
      if (heading) heading.focus();
    }
  });

  document.body.addEventListener("htmx:pushedIntoHistory", updateLanguageLinks);
  document.body.addEventListener("htmx:historyRestore", () => {
    updateLanguageLinks();
    setUp(document);
  });
})();
