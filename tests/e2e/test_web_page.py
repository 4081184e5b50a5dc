"""The web chat page in a real browser: Debian's Chromium driven by playwright against a real server
on 127.0.0.1 (as `cityqa serve` runs it).

The stack is real but for the embedder (the fake, so no model is loaded): the small corpus of the
tests (public, internal and restricted documents and a catalog sample) and three demo tables, one
for a time series (air quality by year) and two for categories (districts). One browser for the
module, a fresh context (cookies, storage) per test. Every request the page makes is recorded and
must go to 127.0.0.1; a console error other than a refused request (a CSP violation, a script
error) fails the test.

Screenshots go to reports/screenshots/ (not committed). With CITYQA_UPDATE_SCREENSHOTS=1 the
statistics test also writes docs/screenshots/chat-page.png, the README's picture of the page.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from live_server import live_server
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Request,
    Route,
    expect,
    sync_playwright,
)

from assistant.api.app import create_app

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "reports" / "screenshots"
DOCS_SCREENSHOT = REPO / "docs" / "screenshots" / "chat-page.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWER_TIMEOUT_MS = 30_000

DOCUMENT_EN = "How many days does the agency have to decide on a public data request?"
DOCUMENT_KO = "공공데이터 제공 신청은 며칠 안에 결정해야 하나요?"
CATALOG_KO = "해운대해수욕장 방문객 데이터는 어디에 있나요?"
SERIES_EN = "Average PM10 in Busan by year since 2015"
CATEGORIES_KO = "구별 면적은?"
LAND_AREA_EN = "What is the land area of Haeundae-gu?"
PERSONNEL = "Where are personnel records kept?"
PERSONNEL_KEY = "demo-personnel-key"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, corpus_stack_builder):
    tables = ("district_land_area", "air_quality_by_district", "population_by_district_2025")
    built = corpus_stack_builder(tmp_path_factory.mktemp("e2e-web"), tables)
    yield built
    built.warehouse.close()


@pytest.fixture(scope="module")
def base_url(stack) -> Iterator[str]:
    with live_server(create_app(stack.assistant, stack.users, stack.sources)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "the page tests drive Debian's Chromium: `make browser` installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _is_local(url: str, base_url: str) -> bool:
    """The page's own origin, or a blob: URL it made (the CSV download)."""
    return url.startswith((base_url + "/", "blob:" + base_url + "/"))


PageFactory = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser, base_url: str) -> Iterator[PageFactory]:
    """Open the page in a fresh context; afterwards, check where its requests went and its console."""
    contexts = []
    requests: list[str] = []
    console_errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # A refused request (401, 422, an aborted stream) is logged by the browser: expected here.
        if message.type == "error" and "Failed to load resource" not in message.text:
            console_errors.append(message.text)

    def open_(locale: str = "en-US", **options: object) -> Page:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(locale=locale, accept_downloads=True, **options)  # type: ignore[arg-type]
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", console)
        page.on("pageerror", lambda error: console_errors.append(str(error)))
        page.goto(base_url + "/")
        expect(page.locator("body.ready")).to_be_attached()
        return page

    yield open_
    for context in contexts:
        context.close()
    assert requests, "the page made no request"
    assert [url for url in requests if not _is_local(url, base_url)] == []
    assert console_errors == []


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def turns(page: Page) -> Locator:
    return page.locator("#conversation > li.turn")


def ask(page: Page, question: str) -> Locator:
    """Type the question, send it with Enter and wait for the turn to finish (answer or failure)."""
    before = turns(page).count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    turn = turns(page).nth(before)
    expect(turn.locator("article.answer:not(.answer-streaming)")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    return turn


def stream_bodies(page: Page) -> list[dict]:
    """The JSON bodies of the page's `/api/chat/stream` requests, recorded from now on."""
    bodies: list[dict] = []

    def record(request: Request) -> None:
        if request.url.endswith("/api/chat/stream"):
            bodies.append(json.loads(request.post_data or "{}"))

    page.on("request", record)
    return bodies


def answer_id(turn: Locator) -> str:
    value = turn.locator("article.answer-done").get_attribute("data-answer-id")
    assert value and value.startswith("a_")
    return value


# --- documents and citations ----------------------------------------------------------------------


def test_an_english_document_answer_streams_and_its_citation_opens_the_passage(
    open_page: PageFactory,
) -> None:
    page = open_page()
    expect(page.locator("#empty-state")).to_be_visible()
    expect(page.locator("#examples button")).to_have_count(8)
    expect(page.locator("#examples button[lang=ko]")).to_have_count(4)
    bodies = stream_bodies(page)

    turn = ask(page, DOCUMENT_EN)
    assert bodies == [{"question": DOCUMENT_EN}]  # streamed, and no conversation to continue yet
    expect(page.locator("#empty-state")).to_be_hidden()
    expect(turn.locator(".answer-text")).to_contain_text("within 10 days")
    expect(turn.locator(".confidence")).to_have_text("Confidence: high")
    expect(turn.locator(".citations li")).to_have_count(1)
    expect(turn.locator(".citations li").first).to_contain_text("Public Data Request Procedure")
    expect(turn.locator(".citations li").first).to_contain_text("§ Deadline")
    shoot(page, "document-answer-en")

    turn.locator(".answer-text .cite", has_text="[1]").click()  # the [1] in the text
    panel = page.locator("#source-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#source-panel-title")).to_have_text("[1] Public Data Request Procedure")
    cited = panel.locator(".source-section.cited")
    expect(cited).to_have_count(1)
    expect(cited.locator(".locator")).to_have_text("§ Deadline")
    expect(cited.locator("mark")).to_contain_text("within 10 days of receiving it")
    expect(cited).to_be_in_viewport()
    expect(panel.locator(".source-facts")).to_contain_text("as of 2025-04-15")
    shoot(page, "citation-panel")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()


def test_korean_interface_korean_questions_and_the_language_toggle(open_page: PageFactory) -> None:
    page = open_page(locale="ko-KR")  # the interface follows navigator.language
    expect(page.locator("#send")).to_have_text("보내기")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#examples button").first).to_have_attribute("lang", "ko")

    document = ask(page, DOCUMENT_KO)
    expect(document.locator(".answer-text")).to_contain_text("10 days")
    expect(document.locator(".citations li").first).to_have_attribute(
        "data-source-id", "doc:request_procedure.md"
    )

    catalog = ask(page, CATALOG_KO)
    first = catalog.locator(".citations li").first
    expect(first).to_have_attribute("data-source-id", "catalog:datagokr:15037510")
    expect(first).to_contain_text("데이터 목록")
    first.locator("button.citation-title").click()
    panel = page.locator("#source-panel")
    link = panel.locator(".source-link a")
    expect(link).to_have_attribute("href", "https://www.data.go.kr/data/15037510/fileData.do")
    expect(link).to_have_text("공공데이터포털(data.go.kr)에서 보기")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(panel.locator(".source-section.cited")).to_contain_text("해운대해수욕장 방문객 현황")
    shoot(page, "catalog-panel-ko")
    panel.locator("button.close").click()
    expect(panel).to_be_hidden()

    page.locator("#language-toggle").click()
    expect(page.locator("#send")).to_have_text("Send")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(catalog.locator(".citations h3")).to_have_text("Sources")  # answers re-rendered in English
    page.reload()
    expect(page.locator("#send")).to_have_text("Send")  # the choice is remembered


# --- statistics: SQL, table, chart ------------------------------------------------------------------


def test_a_time_series_answer_shows_sql_a_sortable_table_a_line_chart_and_a_csv(
    open_page: PageFactory,
) -> None:
    page = open_page(viewport={"width": 1280, "height": 1320})
    turn = ask(page, SERIES_EN)
    expect(turn.locator(".answer-text")).to_contain_text("2015 45.627")
    table = turn.locator("table.data")
    expect(table.locator("tbody tr")).to_have_count(7)
    expect(table.locator("thead th")).to_have_text(["year", "pm10_ugm3"])
    chart = turn.locator("svg.chart-line")
    expect(chart).to_be_visible()
    expect(chart.locator("path.series")).to_have_count(1)
    expect(chart.locator("circle.point")).to_have_count(7)
    expect(chart).to_have_attribute("aria-label", "Line chart of pm10_ugm3 by year")

    # The SQL: folded away, then shown and copied.
    sql_block = turn.locator("details.sql-block")
    expect(sql_block.locator("pre")).to_be_hidden()
    sql_block.locator("summary").click()
    if os.environ.get("CITYQA_UPDATE_SCREENSHOTS") == "1":  # the README's picture of the page
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=DOCS_SCREENSHOT)
    query = sql_block.locator("pre code").inner_text()
    assert query.startswith("SELECT year, AVG(pm10_ugm3)")
    sql_block.locator("button.copy-sql").click()
    expect(sql_block.locator(".copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == query

    # Sorting: ascending, then descending, by the measure.
    first_cells = table.locator("tbody tr td:first-child")
    expect(first_cells).to_have_text(["2015", "2016", "2017", "2018", "2019", "2020", "2021"])
    table.locator("thead th").nth(1).locator("button").click()
    expect(table.locator("thead th").nth(1)).to_have_attribute("aria-sort", "ascending")
    expect(first_cells.first).to_have_text("2020")  # the lowest PM10
    table.locator("thead th").nth(1).locator("button").click()
    expect(table.locator("thead th").nth(1)).to_have_attribute("aria-sort", "descending")
    expect(first_cells.first).to_have_text("2015")

    shoot(page, "statistics-answer-en")

    with page.expect_download() as download_info:
        turn.locator("button.download-csv").click()
    download = download_info.value
    assert download.suggested_filename == "cityqa-air_quality_by_district.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["year", "pm10_ugm3"] and len(rows) == 8
    assert rows[1][0] == "2015" and float(rows[1][1]) == pytest.approx(45.627, abs=0.001)


def test_a_category_answer_in_korean_draws_bars_and_its_sql_can_be_edited_and_rerun(
    open_page: PageFactory,
) -> None:
    page = open_page(locale="ko-KR")
    turn = ask(page, CATEGORIES_KO)
    expect(turn.locator(".answer-text")).to_contain_text("해운대구 51.54 km²")
    expect(turn.locator("table.data tbody tr")).to_have_count(16)
    expect(turn.locator("svg.chart-bar rect.bar")).to_have_count(16)

    turn.locator("details.sql-block summary").click()
    turn.locator("button.edit-sql").click()
    editor = turn.locator("textarea.sql-editor")
    expect(editor).to_be_focused()
    editor.fill("SELECT district, land_area_km2 FROM district_land_area ORDER BY land_area_km2 DESC LIMIT 5")
    turn.locator("button.run-sql").click()
    expect(turn.locator(".sql-message")).to_have_text("고친 SQL을 실행했습니다: 5행.")
    expect(turn.locator("table.data tbody tr")).to_have_count(5)
    expect(turn.locator("table.data tbody tr").first).to_contain_text("기장군")
    expect(turn.locator("svg.chart-bar rect.bar")).to_have_count(5)
    expect(turn.locator("details.sql-block pre code")).to_contain_text("LIMIT 5")
    shoot(page, "sql-rerun-ko")

    # A query the guard refuses: the server's reason and request id, and the last good result stays.
    editor.fill("SELECT * FROM read_csv('/etc/passwd')")
    editor.press("Control+Enter")
    message = turn.locator(".sql-message.error")
    expect(message).to_contain_text("SQL을 실행하지 않았습니다")
    expect(message.locator(".error-detail")).not_to_be_empty()
    expect(message.locator(".request-id")).to_contain_text("요청 ID:")
    expect(message).not_to_contain_text("Traceback")
    expect(turn.locator("table.data tbody tr")).to_have_count(5)
    shoot(page, "sql-refused-ko")

    turn.locator("button.reset-sql").click()
    expect(turn.locator("table.data tbody tr")).to_have_count(16)


# --- feedback, conversation ---------------------------------------------------------------------


def test_feedback_is_stored_with_its_comment(open_page: PageFactory, stack) -> None:
    page = open_page()
    turn = ask(page, LAND_AREA_EN)
    rated = answer_id(turn)
    turn.locator("button.thumb-down").click()
    expect(turn.locator("button.thumb-down")).to_have_attribute("aria-pressed", "true")
    expect(turn.locator(".feedback-status")).to_have_text("Thanks for the feedback.")
    [first] = stack.assistant.feedback.for_answer(rated)
    assert (first.rating.value, first.comment, first.channel) == ("down", None, "web")

    expect(turn.locator("textarea.feedback-comment")).to_be_focused()
    turn.locator("textarea.feedback-comment").fill("Please say which year the area is from.")
    turn.locator("button.send-comment").click()
    expect(turn.locator(".feedback-status")).to_have_text("Thanks — your comment was sent.")
    expect(turn.locator(".feedback-more")).to_be_hidden()
    [record] = stack.assistant.feedback.for_answer(rated)  # the comment replaced the first rating
    assert (record.rating.value, record.comment) == ("down", "Please say which year the area is from.")
    assert record.user == "anonymous"
    page.reload()  # the thanks state is kept with the conversation
    expect(turns(page).first.locator("button.thumb-down")).to_have_attribute("aria-pressed", "true")


def test_follow_ups_continue_the_conversation_which_survives_a_reload_until_a_new_one(
    open_page: PageFactory,
) -> None:
    page = open_page()
    bodies = stream_bodies(page)
    first = ask(page, LAND_AREA_EN)
    conversation = first.locator("article.answer-done").get_attribute("data-conversation-id")
    assert conversation and conversation.startswith("c_")
    follow_up = ask(page, "And Suyeong-gu?")
    assert bodies == [
        {"question": LAND_AREA_EN},
        {"question": "And Suyeong-gu?", "conversation_id": conversation},
    ]
    expect(follow_up.locator("article.answer-done")).to_have_attribute("data-conversation-id", conversation)

    page.reload()
    expect(turns(page)).to_have_count(2)
    expect(turns(page).first.locator(".question-bubble")).to_contain_text(LAND_AREA_EN)
    expect(page.locator("#empty-state")).to_be_hidden()

    page.locator("#new-conversation").click()
    expect(turns(page)).to_have_count(0)
    expect(page.locator("#empty-state")).to_be_visible()
    expect(page.locator("#question")).to_be_focused()
    assert page.evaluate("sessionStorage.getItem('cityqa.conversation')") is None
    bodies.clear()
    ask(page, LAND_AREA_EN)
    assert bodies == [{"question": LAND_AREA_EN}]  # a new conversation: nothing to continue


# --- permissions ---------------------------------------------------------------------------------


def source_titles(page: Page) -> list[str]:
    page.locator("#open-sources").click()
    dialog = page.locator("#sources-dialog")
    expect(dialog.locator("#sources-count")).to_contain_text("sources")
    titles = dialog.locator(".source-open").all_inner_texts()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    return titles


def test_a_restricted_source_is_hidden_without_clearance_and_shown_with_the_key(
    open_page: PageFactory,
) -> None:
    page = open_page()
    anonymous_titles = source_titles(page)
    assert "Public Data Request Procedure" in anonymous_titles
    assert not {"Personnel Records Policy", "Internal Review Guideline"} & set(anonymous_titles)

    hidden = ask(page, PERSONNEL)
    expect(hidden.locator(".confidence")).to_have_text("Confidence: no answer")
    expect(hidden.locator(".state-not-found .suggestion").first).to_be_visible()  # the closest datasets
    expect(hidden.locator(".citations")).to_have_count(0)
    expect(hidden).not_to_contain_text("walrusvault")
    expect(hidden).not_to_contain_text("Personnel Records Policy")
    shoot(page, "not-found-anonymous")

    # A wrong key is refused, and nothing changes.
    page.locator("#open-key").click()
    page.locator("#api-key").fill("not-a-real-key")
    page.locator("#key-save").click()
    expect(page.locator("#key-message")).to_contain_text("The key was refused:")
    expect(page.locator("#key-message .request-id")).to_be_visible()
    expect(turns(page)).to_have_count(1)

    page.locator("#api-key").fill(PERSONNEL_KEY)
    page.locator("#key-save").click()
    expect(page.locator("#key-message")).to_have_text("The key is in use. A new conversation was started.")
    page.keyboard.press("Escape")
    expect(page.locator("#identity")).to_have_text("Official key in use")
    expect(turns(page)).to_have_count(0)  # the anonymous conversation is not carried over
    assert page.evaluate("localStorage.getItem('cityqa.apiKey')") == PERSONNEL_KEY

    assert "Personnel Records Policy" in source_titles(page)
    shown = ask(page, PERSONNEL)
    expect(shown.locator(".answer-text")).to_contain_text("walrusvault")
    citation = shown.locator(".citations li").first
    expect(citation).to_have_attribute("data-source-id", "doc:personnel_policy.md")
    citation.locator("button.citation-title").click()
    expect(page.locator("#source-panel .source-section.cited mark")).to_contain_text("walrusvault")
    expect(page.locator("#source-panel .classification")).to_have_text("restricted")
    page.keyboard.press("Escape")

    # Back to anonymous: the restricted answer goes, and the source is no longer listed.
    page.locator("#open-key").click()
    page.locator("#key-clear").click()
    page.keyboard.press("Escape")
    expect(page.locator("#identity")).to_have_text("Anonymous · public sources")
    expect(turns(page)).to_have_count(0)
    assert "Personnel Records Policy" not in source_titles(page)
    expect(page.locator("body")).not_to_contain_text("walrusvault")


# --- failures ------------------------------------------------------------------------------------


def test_an_error_shows_the_servers_detail_and_request_id(open_page: PageFactory) -> None:
    page = open_page()
    # A key the server does not know: refused before the stream starts (401, the error body).
    page.evaluate("localStorage.setItem('cityqa.apiKey', 'not-a-real-key')")
    page.reload()
    turn = ask(page, DOCUMENT_EN)
    error = turn.locator(".state-error")
    expect(error).to_have_attribute("role", "alert")
    expect(error.locator(".error-detail")).not_to_be_empty()
    expect(error.locator(".error-hint")).to_have_text("Check the API key (API key button above).")
    expect(error.locator(".request-id")).to_contain_text("Request id:")
    shoot(page, "error-unauthorized")

    # A failure once the stream has started arrives as its `error` event.
    page.evaluate("localStorage.removeItem('cityqa.apiKey')")
    page.reload()
    body = (
        'event: status\ndata: {"step":"retrieving"}\n\n'
        'event: error\ndata: {"ok":false,"error_code":"internal","detail":"internal error",'
        '"request_id":"req-e2e-1"}\n\n'
    )
    page.route(
        "**/api/chat/stream",
        lambda route: route.fulfill(status=200, content_type="text/event-stream", body=body),
    )
    failed = ask(page, DOCUMENT_EN)
    expect(failed.locator(".error-detail")).to_have_text("internal error")
    expect(failed.locator(".request-id")).to_have_text("Request id: req-e2e-1")
    page.unroute("**/api/chat/stream")
    failed.locator("button.retry").click()
    expect(failed.locator("article.answer-done .answer-text")).to_contain_text("within 10 days")


def test_a_dropped_connection_offers_a_retry(open_page: PageFactory) -> None:
    page = open_page()
    page.route("**/api/chat/stream", lambda route: route.abort("connectionreset"))
    turn = ask(page, DOCUMENT_EN)
    expect(turn.locator(".state-dropped")).to_contain_text("The connection was lost")
    shoot(page, "dropped-connection")

    # A stream that ends without `done` or `error` is just as incomplete.
    def cut_short(route: Route) -> None:
        route.fulfill(
            status=200, content_type="text/event-stream", body='event: token\ndata: {"text":"The ag"}\n\n'
        )

    page.unroute("**/api/chat/stream")
    page.route("**/api/chat/stream", cut_short)
    turn.locator("button.retry").click()
    expect(turn.locator(".state-dropped")).to_be_visible()
    expect(turn).not_to_contain_text("The ag")

    page.unroute("**/api/chat/stream")
    turn.locator("button.retry").click()
    expect(turn.locator("article.answer-done .answer-text")).to_contain_text("within 10 days")
    expect(turns(page)).to_have_count(1)  # retried in place


# --- keyboard, phone -----------------------------------------------------------------------------


def test_the_page_works_from_the_keyboard(open_page: PageFactory) -> None:
    page = open_page()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#question")).to_be_focused()
    page.keyboard.type("How many days does the agency")
    page.keyboard.press("Shift+Enter")  # a new line, not a send
    page.keyboard.type("have to decide on a public data request?")
    expect(turns(page)).to_have_count(0)
    page.keyboard.press("Enter")
    turn = turns(page).first
    expect(turn.locator("article.answer-done")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)

    cite = turn.locator(".answer-text .cite").first
    cite.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#source-panel")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#source-panel")).to_be_hidden()
    expect(cite).to_be_focused()  # focus returns to where it was
    expect(cite).to_have_attribute("aria-label", re.compile(r"^Open source 1: Public Data Request Procedure"))


def test_a_phone_sized_screen(open_page: PageFactory) -> None:
    page = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    expect(page.locator("#examples button").first).to_be_visible()
    shoot(page, "phone-empty")
    turn = ask(page, SERIES_EN)
    expect(turn.locator("svg.chart-line")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the page scrolls sideways on a phone"
    box = turn.locator("svg.chart-line").bounding_box()
    assert box is not None and box["width"] <= 390
    expect(page.locator("#send")).to_be_in_viewport()
    shoot(page, "phone-statistics")
    turn.locator(".answer-text .cite").first.tap()
    panel = page.locator("#source-panel")
    expect(panel).to_be_visible()
    panel_box = panel.bounding_box()
    assert panel_box is not None and panel_box["width"] == pytest.approx(390, abs=1)
    shoot(page, "phone-source-panel")
