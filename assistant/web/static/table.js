// The result table of a statistics answer: sortable by clicking a header (numbers as numbers, text
// in the interface language's order) and downloadable as CSV built in the browser.

import { el } from "./dom.js";
import { currentLanguage, formatNumber, t } from "./i18n.js";
import { isTimeColumn } from "./chart.js";

function compareValues(a, b) {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1; // empty cells last
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), currentLanguage(), { numeric: true });
}

function formatCell(value, plainNumbers) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return plainNumbers ? String(value) : formatNumber(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** RFC 4180 CSV; a leading BOM so spreadsheet programs read Korean text as UTF-8. */
export function toCsv(columns, rows) {
  const cell = (value) => {
    const text = value === null || value === undefined ? "" : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return "\ufeff" + [columns, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

function downloadCsv(result) {
  const blob = new Blob([toCsv(result.columns, result.rows)], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const name = (result.tables?.[0] || "result").replace(/[^\w.-]+/g, "_");
  const link = el("a", { href: url, download: `cityqa-${name}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The table (with its caption and CSV button) for an SqlResult. */
export function renderResultTable(result) {
  const wrapper = el("div", { class: "result" });
  if (!result.rows.length) {
    wrapper.append(el("p", { class: "muted" }, t("table.empty")));
    return wrapper;
  }
  const captionKey = result.truncated ? "table.truncated" : "table.caption";
  const order = result.rows.map((_, index) => index);
  const sort = { column: -1, direction: "none" };
  const plainNumbers = result.columns.map((name, index) => isTimeColumn(name, result.rows, index));
  const body = el("tbody");
  const headerCells = result.columns.map((name, index) => {
    const button = el(
      "button",
      { type: "button", class: "sort", "aria-label": t("table.sortBy", { column: name }) },
      name,
      el("span", { class: "sort-mark", "aria-hidden": "true" }),
    );
    button.addEventListener("click", () => sortBy(index));
    return el("th", { scope: "col", "aria-sort": "none" }, button);
  });

  function fillBody() {
    body.replaceChildren(
      ...order.map((rowIndex) =>
        el(
          "tr",
          {},
          result.rows[rowIndex].map((value, index) =>
            el(
              "td",
              { class: typeof value === "number" && !plainNumbers[index] ? "num" : null },
              formatCell(value, plainNumbers[index]),
            ),
          ),
        ),
      ),
    );
  }

  function sortBy(column) {
    // First click ascending, then descending, then back and forth.
    sort.direction = sort.column === column && sort.direction === "ascending" ? "descending" : "ascending";
    sort.column = column;
    const sign = sort.direction === "ascending" ? 1 : -1;
    order.sort((a, b) => sign * compareValues(result.rows[a][column], result.rows[b][column]) || a - b);
    headerCells.forEach((cell, index) => {
      cell.setAttribute("aria-sort", index === column ? sort.direction : "none");
      cell.querySelector(".sort-mark").textContent = index === column ? (sign > 0 ? " ▲" : " ▼") : "";
    });
    fillBody();
  }

  fillBody();
  const table = el(
    "table",
    { class: "data" },
    el("caption", {}, t(captionKey, { count: formatNumber(result.row_count) })),
    el("thead", {}, el("tr", {}, headerCells)),
    body,
  );
  const download = el("button", { type: "button", class: "secondary small download-csv" }, t("table.download"));
  download.addEventListener("click", () => downloadCsv(result));
  wrapper.append(el("div", { class: "table-scroll", tabindex: "0" }, table), download);
  return wrapper;
}
