// The source panel (a cited passage in its context) and the list of sources the current user may
// see. Both ask the server every time with the current key: what is visible depends on the key, and
// a restricted source must never be shown from a cache filled under another key.

import { ApiError, requestJson } from "./api.js";
import { clear, el, externalLink } from "./dom.js";
import { t } from "./i18n.js";
import { errorLines } from "./states.js";

const panel = () => document.getElementById("source-panel");
const panelBody = () => document.getElementById("source-panel-body");
const panelTitle = () => document.getElementById("source-panel-title");
const MAX_LISTED = 300;
let panelRequest = 0; // only the latest click may fill the panel
let listRequest = 0; // and only the latest opening the list

function classificationBadge(level) {
  return el("span", { class: `badge classification classification-${level}` }, t(`classification.${level}`));
}

/** The section text with the cited snippet marked, when it is found there. */
function sectionText(text, snippet) {
  const body = el("p", { class: "section-text" });
  const probe = (snippet || "").replace(/…$/, "").trim();
  const at = probe ? text.indexOf(probe) : -1;
  if (at < 0) {
    body.append(text);
    return [body, false];
  }
  body.append(text.slice(0, at), el("mark", {}, probe), text.slice(at + probe.length));
  return [body, true];
}

/** Which section a citation points to: the one with its locator that holds its snippet, else the first
 * with its locator (a long section is indexed as several chunks with the same locator). */
function citedSectionIndex(sections, citation) {
  if (!citation) return -1;
  const probe = (citation.snippet || "").replace(/…$/, "").trim();
  const located = sections
    .map((section, index) => [section, index])
    .filter(([section]) => section.locator === citation.locator);
  const withSnippet = located.find(([section]) => probe && section.text.includes(probe));
  if (withSnippet) return withSnippet[1];
  if (located.length) return located[0][1];
  const anywhere = sections.findIndex((section) => probe && section.text.includes(probe));
  return anywhere;
}

function renderDetail(detail, citation) {
  const facts = [
    el("span", {}, t(`kind.${detail.kind}`)),
    classificationBadge(detail.classification),
    detail.as_of && el("span", { class: "as-of" }, t("panel.asOf", { date: detail.as_of })),
    detail.departments?.length && el("span", {}, t("panel.departments", { names: detail.departments.join(", ") })),
  ];
  const link = externalLink(detail.url, t(detail.kind === "catalog" ? "panel.link.catalog" : "panel.link"));
  const cited = citedSectionIndex(detail.sections, citation);
  let citedNode = null;
  const sections = detail.sections.map((section, index) => {
    const isCited = index === cited;
    const [text] = sectionText(section.text, isCited ? citation.snippet : null);
    const node = el(
      "section",
      {
        class: isCited ? "source-section cited" : "source-section",
        dataset: { chunkId: section.chunk_id },
        "aria-current": isCited ? "true" : null,
      },
      section.locator && el("h3", { class: "locator" }, section.locator),
      isCited && el("p", { class: "cited-label" }, t("panel.cited")),
      text,
    );
    if (isCited) citedNode = node;
    return node;
  });
  const nodes = [
    el("p", { class: "source-facts" }, ...facts.filter(Boolean)),
    link && el("p", { class: "source-link" }, link),
    el("p", { class: "muted small" }, t("panel.sections", { count: detail.sections.length })),
    ...sections,
  ];
  return [nodes.filter(Boolean), citedNode];
}

/** Open the panel on a source; with a citation, its passage is highlighted and scrolled to. */
export async function openSourcePanel(sourceId, citation = null) {
  const request = ++panelRequest;
  const dialog = panel();
  panelTitle().textContent = citation ? `[${citation.n}] ${citation.title}` : sourceId;
  clear(panelBody()).append(el("p", { class: "muted", role: "status" }, t("panel.loading")));
  if (!dialog.open) dialog.showModal();
  try {
    const detail = await requestJson("GET", `/api/sources/${encodeURIComponent(sourceId)}`);
    if (request !== panelRequest) return;
    panelTitle().textContent = citation ? `[${citation.n}] ${detail.title}` : detail.title;
    const [nodes, citedNode] = renderDetail(detail, citation);
    clear(panelBody()).append(...nodes);
    citedNode?.scrollIntoView({ block: "center" });
  } catch (error) {
    if (request !== panelRequest) return;
    const failure = error instanceof ApiError ? error : new ApiError({ errorCode: "network" });
    const message = failure.status === 404 ? [t("panel.notFound")] : errorLines(failure);
    clear(panelBody()).append(el("div", { class: "state state-error", role: "alert" }, ...message));
  }
}

/** Empty the panel and the list: called when the key changes, so nothing shown under the old key stays
 * in the page (not even hidden in a closed dialog). */
export function forgetShownSources() {
  panelRequest += 1; // a request still on its way under the old key must not fill the panel either
  listRequest += 1;
  panelTitle().textContent = "";
  clear(panelBody());
  clear(document.getElementById("sources-list"));
  for (const id of ["source-panel", "sources-dialog"]) document.getElementById(id).close();
}

/** Fill the sources dialog with what the current key may see (fetched fresh each time). */
export async function openSourcesList() {
  const dialog = document.getElementById("sources-dialog");
  const list = document.getElementById("sources-list");
  const count = document.getElementById("sources-count");
  const filter = document.getElementById("sources-filter");
  const kind = document.getElementById("sources-kind");
  clear(list);
  count.textContent = t("sources.loading");
  if (!dialog.open) dialog.showModal();
  const request = ++listRequest;
  let sources = [];
  try {
    sources = await requestJson("GET", "/api/sources");
    if (request !== listRequest) return;
  } catch (error) {
    if (request !== listRequest) return;
    const failure = error instanceof ApiError ? error : new ApiError({ errorCode: "network" });
    count.replaceChildren(el("span", { class: "state-error", role: "alert" }, ...errorLines(failure)));
    return;
  }
  const show = () => {
    const words = filter.value.trim().toLowerCase();
    const shown = sources.filter(
      (source) =>
        (!kind.value || source.kind === kind.value) &&
        (!words || `${source.title} ${source.source_id}`.toLowerCase().includes(words)),
    );
    // The catalog alone can hold thousands of entries: list the first ones, the filter finds the rest.
    const capped = shown.length > MAX_LISTED;
    count.textContent = !shown.length
      ? t("sources.none")
      : t(capped ? "sources.capped" : "sources.count", { count: shown.length, shown: MAX_LISTED });
    list.replaceChildren(...shown.slice(0, MAX_LISTED).map(sourceItem));
  };
  filter.oninput = show;
  kind.onchange = show;
  show();
}

function sourceItem(source) {
  const open = el("button", { type: "button", class: "link source-open" }, source.title);
  open.addEventListener("click", () => openSourcePanel(source.source_id));
  const asOf = source.as_of && t("citation.asOf", { date: source.as_of });
  const meta = [t(`kind.${source.kind}`), asOf].filter(Boolean).join(" · ");
  return el(
    "li",
    { class: "source-item", dataset: { sourceId: source.source_id } },
    el("span", { class: "source-name" }, open, " ", classificationBadge(source.classification)),
    el("span", { class: "citation-meta" }, meta),
  );
}
