// The embed's message protocol with its host page, as pure functions: no DOM, no
// network. embed.js wires them up; the browser tests call them directly.
// docs/embedding.md ("Events for the host page") documents the protocol;
// supportscope/policy/embed_messages.py holds the same names on the server.
"use strict";

(function (root) {
  const SOURCE = "supportscope";
  const HOST_SOURCE = "supportscope-host";
  const VERSION = 1;
  const OUT_TYPES = Object.freeze(["ready", "step", "verdict", "resize"]);
  const IN_TYPES = Object.freeze(["ticket-text", "prefill"]);

  function isObject(value) {
    return Object.prototype.toString.call(value) === "[object Object]";
  }

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  // An origin the embed may post to: scheme://host[:port], never "*" or "null".
  function isOrigin(value) {
    return typeof value === "string" && /^https?:\/\/[^/\s*?#]+$/.test(value);
  }

  // The envelope of every message to the host.
  function envelope(type, payload) {
    if (!OUT_TYPES.includes(type)) throw new Error("unknown event type: " + type);
    return { source: SOURCE, version: VERSION, type: type, payload: payload };
  }

  // A message event comes from the host: its origin is the one the embed was given,
  // and it was sent by the parent window itself (not by another frame on the page).
  function fromHost(event, parentOrigin, parentWindow) {
    return (
      isOrigin(parentOrigin) &&
      Boolean(event) &&
      event.origin === parentOrigin &&
      Boolean(parentWindow) &&
      event.source === parentWindow
    );
  }

  function readText(payload, limits) {
    const text = payload.text;
    if (typeof text !== "string" || !text.trim() || text.length > limits.maxChars) return null;
    return { text: text };
  }

  function readAnswers(payload, limits) {
    const answers = payload.answers;
    if (!isObject(answers)) return null;
    const keys = Object.keys(answers);
    if (!keys.length) return null;
    const out = {};
    for (const key of keys) {
      const value = answers[key];
      if (!has(limits.questions, key) || typeof value !== "string") return null;
      if (!limits.questions[key].includes(value)) return null;
      out[key] = value;
    }
    return { answers: out };
  }

  const READERS = { "ticket-text": readText, prefill: readAnswers };

  // The message's data as {type, payload} when the embed accepts it, else null.
  // limits: {maxChars, questions: {key: [allowed values]}}.
  function readHostMessage(data, limits) {
    if (!isObject(data) || data.source !== HOST_SOURCE || data.version !== VERSION) return null;
    if (typeof data.type !== "string" || !has(READERS, data.type)) return null;
    if (!isObject(data.payload)) return null;
    const payload = READERS[data.type](data.payload, limits);
    return payload ? { type: data.type, payload: payload } : null;
  }

  root.SupportScopeProtocol = Object.freeze({
    SOURCE: SOURCE,
    HOST_SOURCE: HOST_SOURCE,
    VERSION: VERSION,
    OUT_TYPES: OUT_TYPES,
    IN_TYPES: IN_TYPES,
    isOrigin: isOrigin,
    envelope: envelope,
    fromHost: fromHost,
    readHostMessage: readHostMessage,
  });
})(window);
