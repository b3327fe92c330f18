// The embedded triage talks to the ticket form that frames it (docs/embedding.md, "Events for the
// host page"). It runs only when the page carries the channel (#embed-channel: the host
// named its origin with parent_origin) and is framed. Without it, or without
// JavaScript, the embed works as plain links and forms.
//
// Out: ready on load, then step or verdict for each step (data-embed-event), resize when
// the height changes; always to the host's origin, never to "*".
// In: ticket-text and prefill, from the parent window on that origin only; anything
// else is ignored without a reply. The ticket text goes in a POST body to the paste
// box's endpoint and nowhere else: no URL, no log, no message.
"use strict";

(function () {
  const protocol = window.SupportScopeProtocol;
  const element = document.getElementById("embed-channel");
  if (!protocol || !element || window.parent === window) return;
  let channel;
  try {
    channel = JSON.parse(element.textContent);
  } catch (error) {
    return;
  }
  const origin = channel.parent_origin;
  if (!protocol.isOrigin(origin)) return;
  const limits = { maxChars: channel.max_chars, questions: channel.questions };

  function post(type, payload) {
    window.parent.postMessage(protocol.envelope(type, payload), origin);
  }

  // The event of the step shown now (data-embed-event on #triage), once per step: an
  // htmx swap brings a new #triage.
  const posted = new WeakSet();
  function postPageEvent() {
    const triage = document.getElementById("triage");
    if (!triage || !triage.dataset.embedEvent || posted.has(triage)) return;
    posted.add(triage);
    const event = JSON.parse(triage.dataset.embedEvent);
    post(event.type, event.payload);
  }

  let height = 0;
  function postHeight() {
    const now = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (now === height) return;
    height = now;
    post("resize", { height: now });
  }

  // Show a page that came back from fetch: its #triage replaces ours, with its title.
  function show(html) {
    const page = new DOMParser().parseFromString(html, "text/html");
    const fresh = page.getElementById("triage");
    const current = document.getElementById("triage");
    if (!fresh || !current) return;
    current.replaceWith(document.adoptNode(fresh));
    if (page.title) document.title = page.title;
    // Like an htmx step, start again at the heading; but never take the focus from the
    // host page (the engineer may be typing in the ticket).
    const heading = fresh.querySelector("[data-focus]");
    if (heading && document.hasFocus()) heading.focus();
  }

  let pending = null;
  function suggest(text) {
    if (pending) pending.abort();
    pending = new AbortController();
    const body = new URLSearchParams();
    body.set("text", text);
    fetch(channel.suggest_url, {
      method: "POST",
      body: body,
      headers: { "HX-Request": "true" }, // the #triage fragment, not the whole page
      credentials: "same-origin",
      cache: "no-store",
      signal: pending.signal,
    })
      .then((response) => response.text())
      .then(show)
      .catch(() => {}); // aborted by a newer text, or offline: the page stays as it is
  }

  function prefill(answers) {
    const query = new URLSearchParams(answers);
    for (const [key, value] of Object.entries(channel.carry)) query.set(key, value);
    window.location.assign(channel.triage_url + "?" + query.toString());
  }

  window.addEventListener("message", (event) => {
    if (!protocol.fromHost(event, origin, window.parent)) return;
    const message = protocol.readHostMessage(event.data, limits);
    if (!message) return;
    if (message.type === "ticket-text") suggest(message.payload.text);
    else prefill(message.payload.answers);
  });

  post("ready", { policy_revision: channel.policy_revision, lang: channel.lang });
  postPageEvent();
  postHeight();
  if ("ResizeObserver" in window) {
    new ResizeObserver(postHeight).observe(document.documentElement);
  }
  document.body.addEventListener("htmx:afterSettle", postPageEvent);
  document.body.addEventListener("htmx:historyRestore", postPageEvent);
})();
