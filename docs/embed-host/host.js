// The example ticket form's side of the SupportScope embed protocol (README, "Events
// for the host page"). The form works without this file: the iframe is a plain embed.
//
// With it: the iframe names this page's origin (parent_origin) so that the embed talks
// to it; the description goes in with "ticket-text"; "resize" sizes the iframe;
// "verdict" fills the support verdict field and the internal note.
"use strict";

(function () {
  const frame = document.getElementById("supportscope");
  const button = document.getElementById("send-description");
  const status = document.getElementById("channel-status");
  const page = new URLSearchParams(window.location.search);

  // ?supportscope=<base URL> picks the SupportScope to embed; ?lang=ko its language.
  const base = new URL(page.get("supportscope") || frame.src);
  const src = new URL("/triage/", base);
  src.search = new URLSearchParams({ embed: "1", parent_origin: window.location.origin }).toString();
  if (page.get("lang")) src.searchParams.set("lang", page.get("lang"));
  const supportscope = src.origin; // where messages to the embed go, and come from
  if (frame.src !== src.toString()) frame.src = src.toString();

  function send(type, payload) {
    frame.contentWindow.postMessage(
      { source: "supportscope-host", version: 1, type: type, payload: payload },
      supportscope,
    );
  }

  const verdictLabels = {
    supported: "Supported",
    best_effort: "Best effort",
    unsupported: "Unsupported",
  };

  function verdictText(payload) {
    if (payload.verdict) return verdictLabels[payload.verdict] || payload.verdict;
    const levels = new Set(payload.branches.map((branch) => branch.verdict));
    const named = Object.keys(verdictLabels).filter((level) => levels.has(level));
    return "Depends: " + named.map((level) => verdictLabels[level]).join(" / ");
  }

  const handlers = {
    ready() {
      button.disabled = false;
      status.textContent = "SupportScope is ready.";
    },
    step(payload) {
      status.textContent = "SupportScope asks about: " + payload.next_question;
    },
    verdict(payload) {
      document.getElementById("support-verdict").value = verdictText(payload);
      document.getElementById("internal-note").value = payload.receipt;
      status.textContent = "Verdict recorded (policy revision " + payload.policy_revision + ").";
    },
    resize(payload) {
      frame.style.height = Math.min(Math.max(payload.height, 200), 5000) + "px";
    },
  };

  window.addEventListener("message", (event) => {
    // Only the embed itself, from SupportScope's origin, in the envelope of version 1.
    if (event.origin !== supportscope || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (!data || data.source !== "supportscope" || data.version !== 1) return;
    const handle = Object.prototype.hasOwnProperty.call(handlers, data.type) && handlers[data.type];
    if (handle && data.payload && typeof data.payload === "object") handle(data.payload);
  });

  button.addEventListener("click", () => {
    const text = document.getElementById("description").value;
    if (text.trim()) send("ticket-text", { text: text });
  });
})();
