// What a turn shows when there is no answer: an error (the server's `detail` and request id, never
// more: tracebacks stay in the server log), or a connection that dropped before `done`, with a retry.

import { el } from "./dom.js";
import { t } from "./i18n.js";

/** The lines that describe a failure: the reason, a hint for a refused key, the request id. */
export function errorLines(error) {
  const lines = [];
  if (error.detail) lines.push(el("span", { class: "error-detail" }, error.detail));
  else if (error.status) lines.push(el("span", { class: "error-detail" }, t("error.http", error)));
  else lines.push(el("span", { class: "error-detail" }, t("error.network")));
  if (error.status === 401) lines.push(el("span", { class: "error-hint" }, t("error.unauthorized")));
  if (error.requestId) {
    lines.push(el("span", { class: "request-id" }, t("error.requestId", { id: error.requestId })));
  }
  return lines;
}

function retryButton(onRetry) {
  const button = el("button", { type: "button", class: "retry" }, t("retry"));
  button.addEventListener("click", onRetry);
  return button;
}

/** An answer that failed with an error body. */
export function renderErrorState(error, onRetry) {
  return el(
    "div",
    { class: "state state-error", role: "alert" },
    el("p", { class: "state-heading" }, t("error.heading")),
    el("p", { class: "error-lines" }, ...errorLines(error)),
    retryButton(onRetry),
  );
}

/** An answer whose stream ended early (or never started), or that a reload interrupted. */
export function renderDroppedState(onRetry, interruptedByReload = false) {
  return el(
    "div",
    { class: "state state-dropped", role: "alert" },
    el("p", { class: "state-heading" }, t(interruptedByReload ? "dropped.pending" : "dropped.heading")),
    retryButton(onRetry),
  );
}
