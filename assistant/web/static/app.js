// The chat page: asking (streamed), the conversation (kept per tab), the official's key, the
// language, and the dialogs. Rendering lives in render.js; talking to the server in api.js.

import { apiKey, ApiError, requestJson, storeApiKey, streamAnswer } from "./api.js";
import { el } from "./dom.js";
import { applyStaticText, currentLanguage, setLanguage, t } from "./i18n.js";
import { renderStreamingTurn, renderTurn } from "./render.js";
import { forgetShownSources, openSourcePanel, openSourcesList } from "./sources.js";
import { errorLines } from "./states.js";
import { emptyConversation, forgetConversation, loadConversation, saveConversation } from "./store.js";

// Questions the bundled demo corpus answers (checked against `make demo`): documents, catalog and
// statistics, with a line chart and a bar chart among them.
const EXAMPLES = {
  en: [
    "How many days does an agency have to decide on a public data request?",
    "Average PM10 in Busan by year since 2015",
    "Population density of each district",
    "What was the registered population of Haeundae-gu in May 2025?",
  ],
  ko: [
    "해운대구의 면적은?",
    "부산 출생아 수 추이",
    "구별 인구는?",
    "해운대해수욕장 방문객 데이터는 어디에 있나요?",
  ],
};

const $ = (id) => document.getElementById(id);
let conversation = loadConversation(apiKey());
let streaming = null; // {turn, item, controller} while an answer streams

const handlers = {
  openCitation: (citation) => openSourcePanel(citation.source_id, citation),
  openSource: (sourceId) => openSourcePanel(sourceId),
  retry: (turn) => ask(turn.question, turn),
  saveTurn: () => saveConversation(conversation),
};

function renderConversation() {
  const items = conversation.turns.map((turn) =>
    streaming?.turn === turn ? streaming.item : renderTurn(turn, handlers),
  );
  $("conversation").replaceChildren(...items);
  $("empty-state").hidden = conversation.turns.length > 0;
}

function renderExamples() {
  // The interface language's examples first; both languages are always offered.
  const languages = currentLanguage() === "ko" ? ["ko", "en"] : ["en", "ko"];
  const items = languages.flatMap((language) =>
    EXAMPLES[language].map((question) => {
      const button = el("button", { type: "button", class: "example", lang: language }, question);
      button.addEventListener("click", () => ask(question));
      return el("li", {}, button);
    }),
  );
  $("examples").replaceChildren(...items);
}

function renderIdentity() {
  const key = apiKey();
  $("identity").textContent = t(key ? "identity.key" : "identity.anonymous");
  $("identity").classList.toggle("signed-in", Boolean(key));
}

function setBusy(busy) {
  $("send").disabled = busy;
  $("send").textContent = t(busy ? "composer.busy" : "composer.send");
  $("ask-form").setAttribute("aria-busy", String(busy));
}

/** Ask `question`, or ask again in place of a failed `retryTurn`. Follow-ups carry the last answer's
 * conversation id, so the server reads them in context. */
async function ask(question, retryTurn = null) {
  question = question.trim();
  if (!question || streaming) return;
  const turn = retryTurn || { id: `t${conversation.nextTurn++}`, question };
  Object.assign(turn, { state: "streaming", error: undefined, answer: undefined, feedback: undefined });
  if (!retryTurn) conversation.turns.push(turn);
  saveConversation(conversation);

  const view = renderStreamingTurn(turn, handlers);
  streaming = { turn, item: view.item, controller: new AbortController() };
  const existing = $("conversation").querySelector(`[data-turn-id="${turn.id}"]`);
  if (existing) existing.replaceWith(view.item);
  else $("conversation").append(view.item);
  $("empty-state").hidden = true;
  view.item.scrollIntoView({ block: "start" }); // the question on top, its answer unfolding below
  setBusy(true);

  const mine = conversation;
  try {
    const { signal } = streaming.controller;
    const answer = await streamAnswer(question, conversation.conversationId, view.update, signal);
    Object.assign(turn, { state: "done", answer });
    mine.conversationId = answer.conversation_id;
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError({ errorCode: "dropped" });
    const state = failure.errorCode === "dropped" ? "dropped" : "error";
    Object.assign(turn, { state, error: failure.toJSON() });
  } finally {
    if (streaming?.turn === turn) {
      streaming = null; // (a new conversation may already have started a stream of its own)
      setBusy(false);
    }
  }
  if (mine !== conversation) return; // a new conversation began meanwhile: this one is gone
  saveConversation(conversation);
  view.item.replaceWith(renderTurn(turn, handlers));
}

function newConversation() {
  streaming?.controller.abort();
  streaming = null;
  setBusy(false);
  forgetConversation();
  conversation = emptyConversation(apiKey());
  renderConversation();
  $("question").focus();
}

function wireComposer() {
  const input = $("question");
  $("ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (streaming || !input.value.trim()) return;
    const question = input.value;
    input.value = "";
    ask(question);
  });
  input.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter is a new line; never while an IME (Korean input) is composing.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      $("ask-form").requestSubmit();
    }
  });
}

function wireKeyDialog() {
  const dialog = $("key-dialog");
  const input = $("api-key");
  const message = $("key-message");
  $("open-key").addEventListener("click", () => {
    input.value = apiKey();
    message.replaceChildren();
    dialog.showModal();
    input.focus();
  });
  $("api-key-show").addEventListener("change", (event) => {
    input.type = event.target.checked ? "text" : "password";
  });
  $("key-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    message.className = "key-message";
    message.textContent = t("key.checking");
    try {
      if (key) await requestJson("GET", "/api/sources?kind=table", null, key); // a cheap check of the key
    } catch (error) {
      message.className = "key-message error";
      message.replaceChildren(t("key.rejected"), " ", ...errorLines(error));
      return;
    }
    changeKey(key);
    message.textContent = t(key ? "key.saved" : "key.cleared");
  });
  $("key-clear").addEventListener("click", () => {
    input.value = "";
    changeKey("");
    message.className = "key-message";
    message.textContent = t("key.cleared");
  });
}

/** A new key is a new user: their conversation starts afresh, and nothing shown before stays. */
function changeKey(key) {
  if (key === apiKey()) return;
  storeApiKey(key);
  renderIdentity();
  forgetShownSources();
  newConversation();
}

function wireDialogs() {
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.addEventListener("click", (event) => {
      // A click on the backdrop (outside the dialog's box) closes it, like Escape does.
      if (event.target === dialog) dialog.close();
    });
    for (const button of dialog.querySelectorAll("[data-close]")) {
      button.addEventListener("click", () => dialog.close());
    }
  }
  $("open-sources").addEventListener("click", openSourcesList);
  $("new-conversation").addEventListener("click", newConversation);
}

function wireLanguage() {
  $("language-toggle").addEventListener("click", () => {
    setLanguage(currentLanguage() === "ko" ? "en" : "ko");
    refreshText();
  });
}

function refreshText() {
  applyStaticText();
  $("language-toggle").lang = currentLanguage() === "ko" ? "en" : "ko";
  renderExamples();
  renderIdentity();
  setBusy(Boolean(streaming));
  renderConversation();
}

function start() {
  setLanguage(currentLanguage());
  wireComposer();
  wireKeyDialog();
  wireDialogs();
  wireLanguage();
  // Another tab changed the key: this tab's conversation belonged to the old one.
  window.addEventListener("storage", (event) => {
    if (event.key === "cityqa.apiKey") {
      renderIdentity();
      forgetShownSources();
      newConversation();
    }
  });
  refreshText();
  document.body.classList.add("ready");
}

start();
