// The triage page's enhancements. Every step works without this file: the
// choices are submit buttons of a GET form and every link is a plain href.
//
// With it: a type-to-filter box over long choice lists, "Copy for ticket" to the
// clipboard, focus moved to the new question after each htmx swap, the language
// links kept in step with the address bar, and 400 pages swapped in like any step.
"use strict";

(function () {
  // Elements already wired up. History snapshots are copies, so they are wired up again.
  const ready = new WeakSet();

  function normalise(text) {
    return text.toLocaleLowerCase().normalize("NFKC");
  }

  function setUpFilter(root) {
    const box = root.querySelector("[data-filter]");
    if (!box || ready.has(box)) return;
    ready.add(box);
    box.hidden = false;
    const input = box.querySelector("input");
    const status = box.querySelector(".filter-status");
    const form = box.closest("form");
    const items = Array.from(form.querySelectorAll("[data-choice]"));
    const groups = Array.from(form.querySelectorAll("[data-group]"));

    function apply() {
      const words = normalise(input.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const item of items) {
        const text = normalise(item.dataset.search || item.textContent);
        const match = words.every((word) => text.includes(word));
        item.hidden = !match;
        if (match) shown += 1;
      }
      for (const group of groups) {
        group.hidden = !group.querySelector("[data-choice]:not([hidden])");
      }
      if (!words.length) {
        status.textContent = "";
      } else if (!shown) {
        status.textContent = status.dataset.statusNone;
      } else {
        status.textContent = status.dataset.statusSome
          .replace("%(count)s", String(shown))
          .replace("%(total)s", String(items.length));
      }
      return shown;
    }

    input.addEventListener("input", apply);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        // Never submit the form from the filter box: pick the only match, or move to the first.
        event.preventDefault();
        const visible = items.filter((item) => !item.hidden);
        if (visible.length === 1) {
          visible[0].querySelector("button").click();
        } else if (visible.length) {
          visible[0].querySelector("button").focus();
        }
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        apply();
      }
    });
    if (input.value) apply();
  }

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
      const query = params.toString();
      open.href = window.location.pathname + (query ? "?" + query : "");
    }
  }

  function setUp(root) {
    setUpFilter(root);
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
