// Every string of the interface, in Korean and English, in one dictionary. Server text (answers,
// titles, error details) is never translated here: it is shown as the server wrote it.

const STRINGS = {
  en: {
    "app.title": "cityqa",
    "app.tagline": "Ask the city's documents, data catalog and statistics",
    "skip": "Skip to the question box",
    "toolbar.label": "Page tools",
    "toolbar.new": "New conversation",
    "toolbar.sources": "Sources",
    "toolbar.key": "API key",
    "toolbar.language": "한국어",
    "toolbar.language.label": "Switch the interface to Korean",
    "identity.anonymous": "Anonymous · public sources",
    "identity.key": "Official key in use",
    "empty.heading": "What would you like to know?",
    "empty.intro":
      "Answers cite their sources [1], [2] … For statistics you also see the SQL that was run and its result.",
    "empty.examples": "Try an example",
    "composer.label": "Your question",
    "composer.placeholder": "Ask in Korean or English — Enter sends, Shift+Enter adds a line",
    "composer.send": "Send",
    "composer.busy": "Answering…",
    "turn.you": "You",
    "turn.cityqa": "cityqa",
    "status.started": "Sending the question…",
    "status.rewriting": "Reading the conversation…",
    "status.retrieving": "Searching the sources…",
    "status.computing": "Computing the statistics…",
    "status.composing": "Writing the answer…",
    "confidence.label": "Confidence: {level}",
    "confidence.high": "high",
    "confidence.medium": "medium",
    "confidence.low": "low",
    "confidence.none": "no answer",
    "notes.heading": "Notes",
    "citations.heading": "Sources",
    "citation.open": "Open source {n}: {title}",
    "citation.external": "Open the original page",
    "citation.asOf": "as of {date}",
    "kind.document": "Document",
    "kind.catalog": "Catalog entry",
    "kind.table": "Statistics table",
    "notFound.heading": "Not found in the indexed sources",
    "notFound.suggestions": "Datasets that may hold the answer:",
    "suggestion.open": "Show this dataset",
    "sql.heading": "SQL",
    "sql.show": "Show the SQL",
    "sql.copy": "Copy",
    "sql.copied": "Copied",
    "sql.copyFailed": "Could not copy: select the text and copy it yourself",
    "sql.edit": "Edit and re-run",
    "sql.editLabel": "SQL (you may edit it and run it again)",
    "sql.run": "Run again",
    "sql.reset": "Reset",
    "sql.running": "Running…",
    "sql.ran": "Ran your SQL: {count} rows.",
    "sql.refused": "The SQL was not run:",
    "table.caption": "Result: {count} rows",
    "table.truncated": "Result: first {count} rows (more exist)",
    "table.sortBy": "Sort by {column}",
    "table.download": "Download CSV",
    "table.empty": "The query returned no rows.",
    "chart.line": "Line chart of {series} by {x}",
    "chart.bar": "Bar chart of {series} by {x}",
    "feedback.question": "Was this answer helpful?",
    "feedback.up": "Helpful",
    "feedback.down": "Not helpful",
    "feedback.commentLabel": "What was right or wrong? (optional)",
    "feedback.send": "Send comment",
    "feedback.thanks": "Thanks for the feedback.",
    "feedback.thanksComment": "Thanks — your comment was sent.",
    "feedback.failed": "The feedback could not be sent:",
    "error.heading": "Something went wrong",
    "error.requestId": "Request id: {id}",
    "error.unauthorized": "Check the API key (API key button above).",
    "error.network": "The server could not be reached.",
    "error.http": "The server answered with status {status}.",
    "dropped.heading": "The connection was lost before the answer was complete.",
    "dropped.pending": "The page was reloaded before this answer arrived.",
    "retry": "Retry",
    "panel.close": "Close",
    "panel.loading": "Loading the source…",
    "panel.cited": "Cited passage",
    "panel.classification": "Classification: {level}",
    "panel.departments": "Departments: {names}",
    "panel.asOf": "Data as of {date}",
    "panel.link.catalog": "Open on data.go.kr",
    "panel.link": "Open the original",
    "panel.sections": "{count} sections",
    "panel.notFound": "This source is not available to you.",
    "sources.heading": "Sources you may see",
    "sources.filter": "Filter sources",
    "sources.count": "{count} sources",
    "sources.loading": "Loading…",
    "sources.none": "No sources match.",
    "sources.capped": "{count} sources — the first {shown} are listed; filter to find the others",
    "sources.kindAll": "All kinds",
    "classification.public": "public",
    "classification.internal": "internal",
    "classification.restricted": "restricted",
    "key.heading": "API key for officials",
    "key.intro":
      "Officials enter their key to see internal or restricted sources. Without a key you ask anonymously (public sources only). The key stays in this browser.",
    "key.label": "API key",
    "key.show": "Show the key",
    "key.save": "Save",
    "key.clear": "Use anonymously",
    "key.checking": "Checking the key…",
    "key.saved": "The key is in use. A new conversation was started.",
    "key.cleared": "You now ask anonymously. A new conversation was started.",
    "key.rejected": "The key was refused:",
  },
  ko: {
    "app.title": "cityqa",
    "app.tagline": "시의 문서·데이터 목록·통계에 물어보세요",
    "skip": "질문 입력란으로 건너뛰기",
    "toolbar.label": "페이지 도구",
    "toolbar.new": "새 대화",
    "toolbar.sources": "출처 목록",
    "toolbar.key": "API 키",
    "toolbar.language": "English",
    "toolbar.language.label": "인터페이스를 영어로 바꾸기",
    "identity.anonymous": "익명 · 공개 자료만",
    "identity.key": "공무원 키 사용 중",
    "empty.heading": "무엇이 궁금하신가요?",
    "empty.intro": "답변에는 출처 [1], [2] …가 달립니다. 통계 질문에는 실행한 SQL과 결과 표도 보여 드립니다.",
    "empty.examples": "예시 질문",
    "composer.label": "질문",
    "composer.placeholder": "한국어나 영어로 질문하세요 — Enter 보내기, Shift+Enter 줄바꿈",
    "composer.send": "보내기",
    "composer.busy": "답변 중…",
    "turn.you": "질문",
    "turn.cityqa": "cityqa",
    "status.started": "질문을 보내는 중…",
    "status.rewriting": "대화 맥락을 읽는 중…",
    "status.retrieving": "자료를 찾는 중…",
    "status.computing": "통계를 계산하는 중…",
    "status.composing": "답변을 작성하는 중…",
    "confidence.label": "신뢰도: {level}",
    "confidence.high": "높음",
    "confidence.medium": "보통",
    "confidence.low": "낮음",
    "confidence.none": "답변 없음",
    "notes.heading": "참고",
    "citations.heading": "출처",
    "citation.open": "출처 {n} 열기: {title}",
    "citation.external": "원문 페이지 열기",
    "citation.asOf": "{date} 기준",
    "kind.document": "문서",
    "kind.catalog": "데이터 목록",
    "kind.table": "통계표",
    "notFound.heading": "색인된 자료에서 답을 찾지 못했습니다",
    "notFound.suggestions": "답이 있을 수 있는 데이터셋:",
    "suggestion.open": "이 데이터셋 보기",
    "sql.heading": "SQL",
    "sql.show": "SQL 보기",
    "sql.copy": "복사",
    "sql.copied": "복사됨",
    "sql.copyFailed": "복사하지 못했습니다: 직접 선택해 복사하세요",
    "sql.edit": "고쳐서 다시 실행",
    "sql.editLabel": "SQL (고쳐서 다시 실행할 수 있습니다)",
    "sql.run": "다시 실행",
    "sql.reset": "원래대로",
    "sql.running": "실행 중…",
    "sql.ran": "고친 SQL을 실행했습니다: {count}행.",
    "sql.refused": "SQL을 실행하지 않았습니다:",
    "table.caption": "결과: {count}행",
    "table.truncated": "결과: 처음 {count}행 (더 있음)",
    "table.sortBy": "{column} 기준 정렬",
    "table.download": "CSV 내려받기",
    "table.empty": "결과 행이 없습니다.",
    "chart.line": "{x}별 {series} 꺾은선 그래프",
    "chart.bar": "{x}별 {series} 막대 그래프",
    "feedback.question": "답변이 도움이 되었나요?",
    "feedback.up": "도움이 됨",
    "feedback.down": "도움이 안 됨",
    "feedback.commentLabel": "무엇이 맞고 틀렸나요? (선택)",
    "feedback.send": "의견 보내기",
    "feedback.thanks": "의견 감사합니다.",
    "feedback.thanksComment": "감사합니다 — 의견을 보냈습니다.",
    "feedback.failed": "의견을 보내지 못했습니다:",
    "error.heading": "문제가 생겼습니다",
    "error.requestId": "요청 ID: {id}",
    "error.unauthorized": "API 키를 확인하세요 (위의 API 키 버튼).",
    "error.network": "서버에 연결하지 못했습니다.",
    "error.http": "서버가 상태 {status}로 응답했습니다.",
    "dropped.heading": "답변이 끝나기 전에 연결이 끊겼습니다.",
    "dropped.pending": "답변이 오기 전에 페이지를 새로 고쳤습니다.",
    "retry": "다시 시도",
    "panel.close": "닫기",
    "panel.loading": "출처를 불러오는 중…",
    "panel.cited": "인용된 부분",
    "panel.classification": "공개 등급: {level}",
    "panel.departments": "담당 부서: {names}",
    "panel.asOf": "{date} 기준 자료",
    "panel.link.catalog": "공공데이터포털(data.go.kr)에서 보기",
    "panel.link": "원문 보기",
    "panel.sections": "{count}개 부분",
    "panel.notFound": "볼 수 없는 출처입니다.",
    "sources.heading": "볼 수 있는 출처",
    "sources.filter": "출처 검색",
    "sources.count": "출처 {count}개",
    "sources.loading": "불러오는 중…",
    "sources.none": "맞는 출처가 없습니다.",
    "sources.capped": "출처 {count}개 — 처음 {shown}개만 보입니다. 검색으로 나머지를 찾으세요",
    "sources.kindAll": "모든 종류",
    "classification.public": "공개",
    "classification.internal": "내부",
    "classification.restricted": "제한",
    "key.heading": "공무원용 API 키",
    "key.intro":
      "키를 넣으면 내부·제한 자료도 볼 수 있습니다. 키가 없으면 익명(공개 자료만)으로 질문합니다. 키는 이 브라우저에만 저장됩니다.",
    "key.label": "API 키",
    "key.show": "키 보이기",
    "key.save": "저장",
    "key.clear": "익명으로 사용",
    "key.checking": "키를 확인하는 중…",
    "key.saved": "키를 사용합니다. 새 대화를 시작했습니다.",
    "key.cleared": "이제 익명으로 질문합니다. 새 대화를 시작했습니다.",
    "key.rejected": "키가 거부되었습니다:",
  },
};

const LANGUAGE_STORAGE_KEY = "cityqa.language";
let language = initialLanguage();

function initialLanguage() {
  const stored = localStorage.getItem(LANGUAGE_STORAGE_KEY);
  if (stored === "ko" || stored === "en") return stored;
  return (navigator.language || "en").toLowerCase().startsWith("ko") ? "ko" : "en";
}

export function currentLanguage() {
  return language;
}

export function setLanguage(next) {
  language = next === "ko" ? "ko" : "en";
  localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  document.documentElement.lang = language;
}

/** The string for `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** Fill the page's fixed text: `data-i18n` (text), `data-i18n-placeholder`, `data-i18n-aria-label`. */
export function applyStaticText(root = document) {
  document.documentElement.lang = language;
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-placeholder]")) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  for (const node of root.querySelectorAll("[data-i18n-aria-label]")) {
    node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
  }
}

/** Numbers in the interface language, with the decimals their size needs (17,412.6 but 0.0234); the
 * raw value is kept for sorting and CSV. */
export function formatNumber(value, options = {}) {
  const size = Math.abs(value);
  const decimals = size >= 1000 ? 1 : size >= 1 ? 2 : 4;
  return new Intl.NumberFormat(language === "ko" ? "ko-KR" : "en-US", {
    maximumFractionDigits: decimals,
    ...options,
  }).format(value);
}

export const STRING_KEYS = Object.keys(STRINGS.en);
export const LANGUAGES = Object.keys(STRINGS);
export { STRINGS };
