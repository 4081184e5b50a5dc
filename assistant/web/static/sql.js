// A statistics answer's SQL and result: the query in a collapsible block with a copy button, an
// editor to change and re-run it (POST /api/sql, the same guard as generated SQL), and the result
// as a table and, when one fits, a chart. A re-run replaces the table and chart; a refusal shows
// the server's reason and keeps the last good result.

import { ApiError, requestJson } from "./api.js";
import { renderChart } from "./chart.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { renderResultTable } from "./table.js";
import { errorLines } from "./states.js";

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (a page served over plain http to another host): the old way.
    const area = el("textarea", { class: "offscreen", readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    return copied;
  }
}

let editorCount = 0;

function renderResult(target, result) {
  // The chart is drawn for the width the conversation column has now (the answer's padding aside).
  const column = document.getElementById("conversation")?.clientWidth || 640;
  const chart = renderChart(result, column - 40);
  const figure = chart && el("figure", { class: "chart-figure" }, chart);
  target.replaceChildren(...[figure, renderResultTable(result)].filter(Boolean));
}

/** The SQL block and result of one answer's SqlResult. */
export function renderSqlSection(sqlResult) {
  const original = sqlResult.query;
  const results = el("div", { class: "sql-results" });
  const message = el("div", { class: "sql-message", role: "status" });
  const copyStatus = el("span", { class: "copy-status", role: "status" });
  const code = el("code", { class: "sql-code" }, original);
  const editorId = `sql-editor-${++editorCount}`;
  const editor = el("textarea", { id: editorId, class: "sql-editor", rows: 5, spellcheck: "false" });
  editor.value = original;
  editor.maxLength = 10000; // the API's limit for SQL
  const editorLabel = el("label", { class: "muted small", for: editorId }, t("sql.editLabel"));

  const copy = el("button", { type: "button", class: "secondary small copy-sql" }, t("sql.copy"));
  copy.addEventListener("click", async () => {
    const copied = await copyText(code.textContent);
    copyStatus.textContent = copied ? t("sql.copied") : t("sql.copyFailed");
    setTimeout(() => (copyStatus.textContent = ""), 2500);
  });

  const run = el("button", { type: "button", class: "small run-sql" }, t("sql.run"));
  const reset = el("button", { type: "button", class: "secondary small reset-sql" }, t("sql.reset"));
  reset.addEventListener("click", () => {
    editor.value = original;
    code.textContent = original;
    message.replaceChildren();
    renderResult(results, sqlResult);
  });
  run.addEventListener("click", async () => {
    run.disabled = true;
    message.className = "sql-message";
    message.replaceChildren(t("sql.running"));
    try {
      const result = await requestJson("POST", "/api/sql", { sql: editor.value });
      code.textContent = result.query;
      message.replaceChildren(t("sql.ran", { count: result.row_count }));
      renderResult(results, result);
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError({ errorCode: "network" });
      message.className = "sql-message error";
      message.replaceChildren(el("strong", {}, t("sql.refused")), " ", ...errorLines(failure));
    } finally {
      run.disabled = false;
    }
  });
  // Ctrl/Cmd+Enter runs the edited query from the keyboard.
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run.click();
    }
  });

  // The editor stays folded away until asked for: most readers only want to see and copy the query.
  const edit = el(
    "button",
    { type: "button", class: "secondary small edit-sql", "aria-expanded": "false" },
    t("sql.edit"),
  );
  const editActions = el("div", { class: "actions" }, run, reset);
  const editPanel = el("div", { class: "sql-edit", hidden: true }, editorLabel, editor, editActions);
  edit.addEventListener("click", () => {
    editPanel.hidden = !editPanel.hidden;
    edit.setAttribute("aria-expanded", String(!editPanel.hidden));
    if (!editPanel.hidden) editor.focus();
  });

  const details = el(
    "details",
    { class: "sql-block" },
    el("summary", {}, t("sql.show")),
    el("pre", {}, code),
    el("div", { class: "actions" }, copy, edit, copyStatus),
    editPanel,
    message,
  );
  renderResult(results, sqlResult);
  return el("section", { class: "sql-section", "aria-label": t("sql.heading") }, details, results);
}
