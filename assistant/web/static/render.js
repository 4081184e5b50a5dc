// One turn of the conversation: the question, and the answer as it streams in and once it is done —
// text with clickable [n] markers, the numbered sources, the confidence badge with its notes, the
// SQL with its table and chart, the "not found" suggestions, feedback, or an error/dropped state.

import { el, externalLink } from "./dom.js";
import { renderFeedback } from "./feedback.js";
import { t } from "./i18n.js";
import { renderSqlSection } from "./sql.js";
import { renderDroppedState, renderErrorState } from "./states.js";

const MARKER = /\[(\d+)\]/g;

function citeButton(citation, handlers) {
  const button = el(
    "button",
    { type: "button", class: "cite", "aria-label": t("citation.open", { n: citation.n, title: citation.title }) },
    `[${citation.n}]`,
  );
  button.addEventListener("click", () => handlers.openCitation(citation));
  return button;
}

/** The answer text with each [n] that names a citation made a button that opens the passage. */
export function renderAnswerText(text, citations, handlers) {
  const byNumber = new Map(citations.map((citation) => [citation.n, citation]));
  const paragraph = el("p", { class: "answer-text" });
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const citation = byNumber.get(Number(match[1]));
    if (!citation) continue;
    paragraph.append(text.slice(last, match.index), citeButton(citation, handlers));
    last = match.index + match[0].length;
  }
  paragraph.append(text.slice(last));
  return paragraph;
}

function citationItem(citation, handlers) {
  const open = el("button", { type: "button", class: "link citation-title" }, citation.title);
  open.addEventListener("click", () => handlers.openCitation(citation));
  const asOf = citation.as_of && t("citation.asOf", { date: citation.as_of });
  const meta = [t(`kind.${citation.kind}`), citation.locator, asOf]
    .filter(Boolean)
    .join(" · ");
  const link = externalLink(citation.url, t("citation.external"));
  return el(
    "li",
    { class: `citation kind-${citation.kind}`, dataset: { sourceId: citation.source_id } },
    citeButton(citation, handlers),
    open,
    el("span", { class: "citation-meta" }, meta),
    link && el("span", { class: "citation-link" }, link),
  );
}

export function renderCitations(citations, handlers) {
  if (!citations?.length) return null;
  return el(
    "section",
    { class: "citations", "aria-label": t("citations.heading") },
    el("h3", {}, t("citations.heading")),
    el("ol", {}, citations.map((citation) => citationItem(citation, handlers))),
  );
}

function renderConfidence(answer) {
  const level = answer.confidence || "none";
  const text = t("confidence.label", { level: t(`confidence.${level}`) });
  const badge = el("span", { class: `badge confidence confidence-${level}` }, text);
  const notes = answer.notes?.length
    ? el("ul", { class: "notes", "aria-label": t("notes.heading") }, answer.notes.map((n) => el("li", {}, n)))
    : null;
  return [badge, notes];
}

function renderSuggestions(answer, handlers) {
  if (!answer.suggestions?.length) return null; // the answer's own text already says nothing was found
  const items = answer.suggestions.map((suggestion) => {
    const label = `${t("suggestion.open")}: ${suggestion.title}`;
    const open = el("button", { type: "button", class: "link", "aria-label": label }, suggestion.title);
    open.addEventListener("click", () => handlers.openSource(suggestion.source_id));
    const link = externalLink(suggestion.url, t("citation.external"));
    return el(
      "li",
      { class: "suggestion", dataset: { sourceId: suggestion.source_id } },
      open,
      link && el("span", { class: "citation-link" }, link),
    );
  });
  return el(
    "section",
    { class: "state state-not-found", "aria-label": t("notFound.heading") },
    el("p", { class: "state-heading" }, t("notFound.suggestions")),
    el("ul", { class: "suggestions" }, items),
  );
}

function answerHeader(extra = []) {
  return el("header", { class: "answer-header" }, el("span", { class: "who" }, t("turn.cityqa")), ...extra);
}

/** The final answer of a turn (`done`). */
function renderDoneAnswer(turn, handlers) {
  const answer = turn.answer;
  const notFound = answer.confidence === "none";
  const [badge, notes] = renderConfidence(answer);
  return [
    answerHeader([badge]),
    renderAnswerText(answer.answer, answer.citations, handlers),
    notes,
    notFound ? renderSuggestions(answer, handlers) : null,
    answer.sql ? renderSqlSection(answer.sql) : null,
    renderCitations(answer.citations, handlers),
    renderFeedback(answer.answer_id, (turn.feedback ??= {}), () => handlers.saveTurn(turn)),
  ];
}

/** The answer part of a turn, for any state but streaming. */
export function renderAnswerBody(turn, handlers) {
  if (turn.state === "done") return renderDoneAnswer(turn, handlers);
  if (turn.state === "error") return [answerHeader(), renderErrorState(turn.error, () => handlers.retry(turn))];
  return [answerHeader(), renderDroppedState(() => handlers.retry(turn), turn.state === "pending")];
}

function questionBubble(question) {
  const who = el("span", { class: "visually-hidden" }, `${t("turn.you")}: `);
  return el("div", { class: "question-bubble" }, who, el("p", {}, question));
}

/** A whole turn (question and answer) as a list item. */
export function renderTurn(turn, handlers) {
  const answer = turn.answer;
  const ids = answer ? { answerId: answer.answer_id, conversationId: answer.conversation_id } : null;
  const article = el(
    "article",
    { class: `answer answer-${turn.state}`, "aria-busy": "false", dataset: ids },
    ...renderAnswerBody(turn, handlers),
  );
  return el(
    "li",
    { class: "turn", dataset: { turnId: turn.id } },
    questionBubble(turn.question),
    article,
  );
}

/** A turn whose answer is streaming: `update(type, data)` shows each event as it arrives. */
export function renderStreamingTurn(turn, handlers) {
  const spinner = el("span", { class: "spinner", "aria-hidden": "true" });
  const status = el("p", { class: "stream-status", role: "status" }, spinner, t("status.started"));
  const text = el("div", { class: "answer-text-holder streaming" });
  const extras = el("div", { class: "stream-extras" });
  const attributes = { class: "answer answer-streaming", "aria-busy": "true" };
  const article = el("article", attributes, answerHeader(), status, text, extras);
  let tokens = "";
  let citations = [];
  let sql = null;

  function update(type, data) {
    if (type === "status" && data.step) status.lastChild.textContent = t(`status.${data.step}`);
    else if (type === "token") tokens += data.text || "";
    else if (type === "sql" && data.text) sql = el("pre", { class: "sql-preview" }, el("code", {}, data.text));
    else if (type === "table" && data.sql) sql = renderSqlSection(data.sql);
    else if (type === "citations") citations = data.citations || [];
    text.replaceChildren(renderAnswerText(tokens, citations, handlers));
    extras.replaceChildren(...[sql, renderCitations(citations, handlers)].filter(Boolean));
  }

  const item = el(
    "li",
    { class: "turn", dataset: { turnId: turn.id } },
    questionBubble(turn.question),
    article,
  );
  return { item, update };
}
