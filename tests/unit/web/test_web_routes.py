"""The chat page's routes in-process: `/` and `/static/…`, their headers, and what the page's files
may load (only their own files: the CSP forbids the rest, so it is checked here before a browser
would refuse it). The page itself is tested in a real browser in tests/e2e/test_web_page.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import get_args

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.models import Classification, Confidence, SourceKind
from assistant.streaming import Step
from assistant.web import CONTENT_SECURITY_POLICY, STATIC_DIR

STATIC_FILES = sorted(path.name for path in STATIC_DIR.iterdir())
SCRIPTS = sorted(path for path in STATIC_DIR.glob("*.js"))
CONTENT_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


@pytest.fixture(scope="module")
def client(tmp_path_factory, stack_builder) -> Iterator[TestClient]:
    stack = stack_builder(tmp_path_factory.mktemp("web") / "home")
    yield TestClient(create_app(stack.assistant, stack.users, stack.sources))
    stack.warehouse.close()


def test_the_page_is_served_at_the_root_with_a_strict_content_security_policy(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert (
        "default-src 'self'" in CONTENT_SECURITY_POLICY
        and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-request-id"]
    assert '<script type="module" src="/static/app.js">' in response.text


@pytest.mark.parametrize("name", STATIC_FILES)
def test_every_static_file_is_served_with_its_type(client: TestClient, name: str) -> None:
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(CONTENT_TYPES[name[name.rindex(".") :]])


def test_a_missing_static_file_is_404(client: TestClient) -> None:
    assert client.get("/static/nope.js").status_code == 404
    assert client.get("/static/../__init__.py").status_code == 404


def test_the_page_is_not_part_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert not [path for path in paths if path.startswith("/static")]


def test_the_static_folder_is_flat() -> None:
    """pyproject's package data ships `web/static/*`: a sub-folder would be left out of the wheel."""
    assert [path.name for path in STATIC_DIR.iterdir() if not path.is_file()] == []


def test_the_page_loads_only_its_own_files_and_has_no_inline_code() -> None:
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    references = re.findall(r'\b(?:src|href)="([^"]*)"', html)
    assert references and all(ref.startswith("/static/") or ref.startswith("#") for ref in references)
    for ref in references:
        if ref.startswith("/static/"):
            assert (STATIC_DIR / ref.removeprefix("/static/")).is_file(), ref
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # the CSP would refuse an inline script
    assert "<style" not in html and " style=" not in html and re.search(r"\bon\w+=", html) is None


def test_scripts_import_only_files_that_exist_and_fetch_only_the_api() -> None:
    for script in SCRIPTS:
        text = script.read_text(encoding="utf-8")
        for module in re.findall(r'from "([^"]+)"', text):
            assert module.startswith("./") and (STATIC_DIR / module[2:]).is_file(), (script.name, module)
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text and "eval(" not in text, (
            script.name
        )
        for call in re.findall(r"fetch\(\s*([^,)]+)", text):
            assert call.strip().startswith(('"/api/', "path")), (script.name, call)
        # No address of another site to load from (the SVG namespace is a name, not a request).
        urls = set(re.findall(r"https?://[^\s\"'`)]+", text)) - {"http://www.w3.org/2000/svg"}
        assert urls == set(), (script.name, urls)


def _dictionary(language: str) -> set[str]:
    text = (STATIC_DIR / "i18n.js").read_text(encoding="utf-8")
    block = re.search(rf"\n  {language}: \{{\n(.*?)\n  \}},", text, re.S)
    assert block, language
    return set(re.findall(r'^\s+"([\w.]+)":', block.group(1), re.M))


def test_every_interface_string_exists_in_korean_and_english() -> None:
    english, korean = _dictionary("en"), _dictionary("ko")
    assert english and english == korean
    used = set()
    for script in SCRIPTS:
        used |= set(re.findall(r'\bt\(\s*"([\w.]+)"', script.read_text(encoding="utf-8")))
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    used |= set(re.findall(r'data-i18n(?:-placeholder|-aria-label)?="([\w.]+)"', html))
    assert used - english == set()


def test_the_dictionary_names_every_value_the_server_sends() -> None:
    """Keys built from server values (`status.${step}`, `kind.${kind}` …) cover each of them."""
    english = _dictionary("en")
    expected = (
        {f"status.{step}" for step in get_args(Step)}
        | {f"kind.{kind.value}" for kind in SourceKind}
        | {f"classification.{level.value}" for level in Classification}
        | {f"confidence.{level}" for level in get_args(Confidence)}
    )
    assert expected - english == set()
