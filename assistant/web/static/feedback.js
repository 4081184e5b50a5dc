// Thumbs up/down on an answer, with an optional comment. A click is sent at once (a rating without a
// comment is still worth having); the comment box then offers to say more, which the server stores
// in place of the first rating (one rating per answer and person).

import { ApiError, requestJson } from "./api.js";
import { el, svg } from "./dom.js";
import { t } from "./i18n.js";
import { errorLines } from "./states.js";

// Drawn here rather than as emoji: a machine without an emoji font would show empty boxes.
const THUMB =
  "M2 10h4v11H2z M8 21h9.2a2 2 0 0 0 2-1.6l1.5-7.2A2 2 0 0 0 18.7 10H14l.8-4.3A1.8 1.8 0 0 0 12.9 3.6L8 10z";

function thumbIcon(rating) {
  const path = svg("path", { d: THUMB, transform: rating === "down" ? "rotate(180 12 12)" : null });
  const attributes = { class: "icon", viewBox: "0 0 24 24", width: 20, height: 20, "aria-hidden": "true" };
  return svg("svg", { ...attributes, focusable: "false" }, path);
}

/** `state` is the turn's stored feedback ({rating, comment, commented}); `save` persists it. */
export function renderFeedback(answerId, state, save) {
  const box = el("div", { class: "feedback" });
  const status = el("p", { class: "feedback-status", role: "status" });
  const comment = el("textarea", {
    class: "feedback-comment",
    rows: 2,
    maxlength: 2000,
    "aria-label": t("feedback.commentLabel"),
    placeholder: t("feedback.commentLabel"),
  });
  const sendComment = el("button", { type: "button", class: "small send-comment" }, t("feedback.send"));
  const commentForm = el("div", { class: "feedback-more", hidden: true }, comment, sendComment);

  const thumb = (rating) => {
    const button = el(
      "button",
      {
        type: "button",
        class: `thumb thumb-${rating}`,
        "aria-label": t(`feedback.${rating}`),
        "aria-pressed": "false",
        title: t(`feedback.${rating}`),
      },
      thumbIcon(rating),
    );
    button.addEventListener("click", () => send(rating, null));
    return button;
  };
  const up = thumb("up");
  const down = thumb("down");

  function show() {
    up.setAttribute("aria-pressed", String(state.rating === "up"));
    down.setAttribute("aria-pressed", String(state.rating === "down"));
    commentForm.hidden = !state.rating || state.commented;
    if (state.rating) status.textContent = t(state.commented ? "feedback.thanksComment" : "feedback.thanks");
    box.classList.toggle("rated", Boolean(state.rating));
  }

  async function send(rating, text) {
    const body = { answer_id: answerId, rating, channel: "web" };
    if (text) body.comment = text;
    for (const button of [up, down, sendComment]) button.disabled = true;
    try {
      await requestJson("POST", "/api/feedback", body);
      Object.assign(state, { rating, comment: text || state.comment || null, commented: Boolean(text) });
      save(state);
      show();
      if (!text) comment.focus();
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError({ errorCode: "network" });
      status.replaceChildren(t("feedback.failed"), " ", ...errorLines(failure));
    } finally {
      for (const button of [up, down, sendComment]) button.disabled = false;
    }
  }

  sendComment.addEventListener("click", () => {
    const text = comment.value.trim();
    if (text) send(state.rating, text);
    else comment.focus();
  });

  const question = el("span", { class: "muted small" }, t("feedback.question"));
  box.append(el("div", { class: "feedback-row" }, question, up, down, status), commentForm);
  show();
  return box;
}
