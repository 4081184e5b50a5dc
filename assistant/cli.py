"""The `cityqa` command: ingest, serve, ask, sources, eval, doctor.

Errors become one clear line on stderr and exit code 1; tracebacks go to the log only.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.config import Settings
from assistant.errors import CityQAError, ErrorCode
from assistant.logging_setup import LogFormat, configure_logging
from assistant.models import Classification

if TYPE_CHECKING:
    from ingestion.report import IngestReport

app = typer.Typer(
    help="cityqa: answers a city's questions over its own data, with cited sources.", no_args_is_help=True
)
console = Console()
errors = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def _settings(log_format: LogFormat = LogFormat.TEXT) -> Settings:
    """Settings, with logging set up: `log_format` unless CITYQA_LOG_FORMAT says otherwise."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format or log_format)
    return settings


def one_line_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CityQAError as error:
            errors.print(f"[red]error:[/red] {error.code.value}: {error.detail}", highlight=False)
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as error:  # the traceback goes to the log, the user gets one line
            logging.getLogger("cityqa").debug("unexpected error", exc_info=True)
            errors.print(f"[red]error:[/red] internal: {type(error).__name__}: {error}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@app.command()
@one_line_errors
def ingest(
    command: typer.Context,  # (given by typer, not an option)
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to index.")],
    classification: Annotated[Classification, typer.Option(help="Default classification of the files.")] = (
        Classification.PUBLIC
    ),
    department: Annotated[list[str] | None, typer.Option(help="Owning department (repeatable).")] = None,
    prune: Annotated[bool, typer.Option(help="Remove sources whose files no longer exist.")] = False,
    card: Annotated[
        Path | None,
        typer.Option(
            "--card",
            help="Table card (YAML) of the one CSV/XLSX data file given; the given file wins over the "
            "card's `file`.",
        ),
    ] = None,
    draft_card: Annotated[
        bool,
        typer.Option(
            "--draft-card",
            help="Draft a card for each CSV/XLSX file given that has none (written beside it as "
            "<name>.card.yaml, needs_review: true); the table is loaded and marked as a draft.",
        ),
    ] = False,
    job_id: Annotated[
        str | None, typer.Option("--job-id", hidden=True, help="The admin API's job this run is.")
    ] = None,
) -> None:
    """Index catalogs, documents and statistics tables (idempotent: unchanged files are skipped).

    A statistics table needs a table card: beside it in a folder, given with --card, or drafted from the
    data with --draft-card for the official to review."""
    if job_id is not None:  # run by the admin API's job runner: progress and report go to the job's row
        _report_progress_to_job(job_id, command)
    from ingestion.file_names import readable_name
    from ingestion.loaders import SourceDefaults
    from ingestion.tables import check_card_arguments

    if card is not None:
        if draft_card:
            raise CityQAError(ErrorCode.BAD_REQUEST, "use either --card or --draft-card, not both")
        check_card_arguments(paths, card)
    from ingestion.generations import ingest_generation

    settings = _settings()
    outcome = ingest_generation(
        settings,
        lambda ingestor: ingestor.ingest(
            paths,
            SourceDefaults(classification=classification, departments=department or []),
            prune=prune,
            card=card,
            draft_cards=draft_card,
        ),
        on_waiting=lambda: errors.print("another ingest is running on this home: waiting for it"),
    )
    report = outcome.report
    _print_ingest_report(report, table_hint=card is None and not draft_card)
    if outcome.published:
        console.print(f"serving generation {outcome.generation} (running servers switch to it by themselves)")
    if report.found_nothing:
        given = ", ".join(readable_name(str(path)) for path in paths)
        raise CityQAError(ErrorCode.NOT_FOUND, f"nothing to ingest: no ingestible files in {given}")
    if report.failed:
        raise typer.Exit(2)


def _report_progress_to_job(job_id: str, command: typer.Context) -> None:
    """Until the command ends, the progress and the report of its ingest go to the admin API's job
    (assistant/ingest_job_progress.py); the job stops the run once it is cancelled."""
    from assistant.ingest_job_progress import JobProgressWriter
    from ingestion.pipeline import ingest_progress_listener

    writer = JobProgressWriter.for_job(Settings().state_path, job_id)
    listening = ingest_progress_listener.set(writer)
    command.call_on_close(lambda: ingest_progress_listener.reset(listening))
    command.call_on_close(writer.store.close)


def _print_ingest_report(report: IngestReport, table_hint: bool) -> None:
    """One summary line, then one line per drafted card, skipped file or part, and failed file.
    Paths and reasons are printed as text, never as markup, and readable even when a name is not UTF-8."""
    from ingestion.file_names import readable_name
    from ingestion.tables import is_table_data

    console.print(
        f"indexed {len(report.indexed)} file(s) ({report.chunks_indexed} chunks, "
        f"{report.chunks_embedded} embedded), "
        f"unchanged {len(report.unchanged)}, failed {len(report.failed)}, skipped {len(report.skipped)}, "
        f"removed {len(report.removed)}",
        soft_wrap=True,
    )

    def line(label: str, style: str, path: str, text: str) -> None:
        console.print(
            f"  [{style}]{label}[/{style}] {escape(readable_name(path))}: {escape(readable_name(text))}",
            highlight=False,
            soft_wrap=True,
        )

    for data_path, card_path in report.drafted:
        line("drafted card for", "yellow", data_path, f"review {card_path} (needs_review)")
    for path, reason in report.skipped:
        line("skipped", "yellow", path, reason)
    for path, reason in report.failed:
        line("failed", "red", path, reason)
        not_loadable = "not a dataset catalog" in reason or "unsupported file type" in reason
        if table_hint and is_table_data(Path(path)) and not_loadable:
            console.print("    a statistics table? pass --card CARD.yaml or --draft-card", highlight=False)


@app.command()
@one_line_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes (default: CITYQA_WORKERS); each loads its own models."),
    ] = None,
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    from assistant.api.server import SERVE_HTTP_PROTOCOL
    from assistant.api.service import (
        SERVICE_APP_FACTORY,
        WORKER_HEALTHCHECK_SECONDS,
        build_service_app,
        metrics_folder_for_workers,
    )
    from assistant.factory import build_user_directory

    settings = _settings(LogFormat.JSON)
    _log_chat_model_check(settings)
    workers = workers or settings.workers
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "http": SERVE_HTTP_PROTOCOL,
        # uvicorn's records go through cityqa's logging (JSON lines); the app logs one access line
        # per request itself, with the request id (`cityqa.access`).
        "log_config": None,
        "access_log": False,
    }
    if workers == 1:
        uvicorn.run(build_service_app(settings), **options)
        return
    # Each worker is a new process that builds the app itself; their metrics meet in one folder. A bad
    # API keys file is found here, in one line, rather than by each worker.
    build_user_directory(settings)
    with metrics_folder_for_workers():
        uvicorn.run(
            SERVICE_APP_FACTORY,
            factory=True,
            workers=workers,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            **options,
        )


def _log_chat_model_check(settings: Settings) -> None:
    """Startup: say which chat model is configured and whether its server answers (never fatal: a
    request whose model fails takes the offline path)."""
    from assistant.llm import check_chat_model_server, describe_chat_model

    log = logging.getLogger("cityqa")
    log.info("chat model: %s", describe_chat_model(settings))
    check = check_chat_model_server(settings)
    if check.usable:
        log.info("chat model check: %s: %s", check.status.value, check.detail)
    else:
        log.warning(
            "chat model check: %s: %s (requests take the offline path while it fails)",
            check.status.value,
            check.detail,
        )


@app.command()
@one_line_errors
def backup(
    destination: Annotated[Path, typer.Argument(help="New or empty folder to write the backup to.")],
) -> None:
    """Back up CITYQA_HOME while it serves: the served stores, conversations, feedback and audit log.

    The backup is itself a complete home: to restore, stop the service and point CITYQA_HOME at it."""
    from ingestion.backup import back_up

    report = back_up(_settings(), destination)
    console.print(
        f"backed up generation {report.generation} ({report.chunks} chunks) and "
        f"{', '.join(report.files[2:]) or 'no service state'} to {escape(str(report.destination))}",
        soft_wrap=True,
    )


@app.command()
@one_line_errors
def doctor() -> None:
    """Show which backend each step uses and check the chat model's server and the Chroma server
    (no secrets are shown).

    Exits 1 when a configured chat model's server or Chroma server cannot be used."""
    from assistant.factory import describe_backends
    from assistant.llm import check_chat_model_server

    settings = _settings()
    table = Table("step", "backend")
    for step, backend in describe_backends(settings):
        table.add_row(step, escape(backend))
    console.print(table)
    check = check_chat_model_server(settings)
    style = "green" if check.ok else ("dim" if check.usable else "red")
    console.print(
        f"chat model check: [{style}]{check.status.value}[/{style}]: {escape(check.detail)}",
        highlight=False,
        soft_wrap=True,
    )
    chroma_usable = _check_chroma_server(settings)
    if not check.usable or not chroma_usable:
        raise typer.Exit(1)


def _check_chroma_server(settings: Settings) -> bool:
    """With CITYQA_CHROMA_URL: print whether the server answers and holds the served collection."""
    if not settings.chroma_url:
        return True
    from assistant.store_layout import PUBLISHED_FILE, StoreLayout
    from assistant.stores.chroma_remote import check_chroma_server

    paths = StoreLayout(settings.home).current()
    check = check_chroma_server(
        settings.chroma_url,
        settings.chroma_timeout_s,
        paths.collection(settings.collection, shared_server=True),
        published=(paths.root / PUBLISHED_FILE).exists(),
    )
    style, status = ("green", "ok") if check.usable else ("red", "failed")
    console.print(
        f"Chroma server check: [{style}]{status}[/{style}]: {escape(check.detail)}",
        highlight=False,
        soft_wrap=True,
    )
    return check.usable


@app.command()
@one_line_errors
def ask(
    question: Annotated[str, typer.Argument(help="The question, in Korean or English.")],
    user: Annotated[
        str | None, typer.Option("--user", help="API key to ask as (default: anonymous).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole answer as JSON.")] = False,
) -> None:
    """Answer one question in-process."""
    # One answer, then the process ends: what is loaded on the way lives until then, so the cyclic
    # garbage collector's passes over it would free nothing (~0.3 s of a cold ask; issue 11).
    collecting = gc.isenabled()
    gc.disable()
    try:
        from assistant.factory import build_assistant, build_user_directory

        settings = _settings()
        asker = build_user_directory(settings).authenticate(user)
        answer = build_assistant(settings).answer(question, asker)
    finally:
        if collecting:
            gc.enable()
    if as_json:
        console.print_json(answer.model_dump_json())
        return
    console.print(answer.answer, highlight=False)
    for citation in answer.citations:
        where = f", {citation.locator}" if citation.locator else ""
        link = f" {citation.url}" if citation.url else ""
        console.print(f"  [{citation.n}] {citation.title}{where}{link}", highlight=False)
    if answer.sql:
        console.print(f"SQL: {answer.sql.query}", highlight=False)
    for suggestion in answer.suggestions:
        console.print(f"  maybe: {suggestion.title} ({suggestion.source_id})", highlight=False)
    console.print(f"confidence: {answer.confidence}", style="dim")


@app.command()
@one_line_errors
def sources(
    user: Annotated[
        str | None, typer.Option("--user", help="API key to list as (default: anonymous).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List what is indexed (as the given user may see it)."""
    from assistant.factory import build_user_directory
    from assistant.sources import SourceCatalog
    from assistant.store_layout import StoreLayout
    from assistant.stores.keyword_index import BM25KeywordIndex

    settings = _settings()
    asker = build_user_directory(settings).authenticate(user)
    index = BM25KeywordIndex.open(StoreLayout(settings.home).current().keyword_index)
    summaries = SourceCatalog(index).list_for_user(asker)
    if as_json:
        print(
            json.dumps(
                [summary.model_dump(mode="json") for summary in summaries], ensure_ascii=False, indent=1
            )
        )
        return
    counts: dict[str, int] = {}
    for summary in summaries:
        counts[summary.kind.value] = counts.get(summary.kind.value, 0) + 1
    table = Table("kind", "source id", "title", "class", "chunks")
    for summary in summaries:
        if summary.kind.value != "catalog":
            table.add_row(
                summary.kind.value,
                summary.source_id,
                summary.title[:60],
                summary.classification.value,
                str(summary.chunks),
            )
    console.print(table)
    console.print(", ".join(f"{count} {kind} source(s)" for kind, count in sorted(counts.items())))


@app.command(name="eval")
@one_line_errors
def evaluate(
    cases: Annotated[list[Path], typer.Argument(help="Case files (YAML) or folders of them.")],
    url: Annotated[str | None, typer.Option(help="Evaluate a running server instead of in-process.")] = None,
    api_key: Annotated[
        str | None, typer.Option(help="API key for cases that name no user (with --url).")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Folder for summary.json, cases.jsonl, report.html.")
    ] = None,
    compare: Annotated[Path | None, typer.Option(help="An earlier summary.json to compare with.")] = None,
    min_score: Annotated[list[str] | None, typer.Option(help="Threshold METRIC=VALUE (repeatable).")] = None,
    max_score: Annotated[
        list[str] | None, typer.Option(help="Upper bound METRIC=VALUE (repeatable).")
    ] = None,
    llm: Annotated[
        bool,
        typer.Option(
            "--llm",
            help="Run the cases offline and with the configured chat model (CITYQA_LLM=openai) and print "
            "the scores side by side; thresholds and --compare apply to the model's run; the report "
            "folder gets offline/, llm/ and side_by_side.json. In-process only.",
        ),
    ] = False,
    judge: Annotated[
        bool, typer.Option(help="With --llm: have the chat model judge both runs' answers.")
    ] = True,
    judge_runs: Annotated[int, typer.Option(min=1, help="With --llm: judge runs per answer.")] = 3,
) -> None:
    """Score answers on evaluation cases: per category, language and tag."""
    from evaluation.cli import run_eval
    from evaluation.clients import AnswerClient, HttpClient

    if llm and url:
        raise CityQAError(
            ErrorCode.BAD_REQUEST,
            "--llm runs both assistants in-process over the same stores; it cannot evaluate --url",
        )
    settings = _settings()
    if llm:
        from evaluation.in_process import evaluate_offline_and_llm

        code = evaluate_offline_and_llm(
            settings,
            cases,
            report_dir=report,
            compare=compare,
            judge_runs=judge_runs if judge else 0,
            min_scores=min_score or [],
            max_scores=max_score or [],
            console=console,
            progress_console=errors,
        )
        raise typer.Exit(code)
    client: AnswerClient
    known: dict[str, Any] = {}
    gold_executor = None
    if url:
        client = HttpClient(url, api_key=api_key)
    else:
        from assistant.factory import build_assistant, build_user_directory, open_stores
        from evaluation.in_process import assistant_client, gold_executor_for, known_references

        stores = open_stores(settings)
        users = build_user_directory(settings)
        client = assistant_client(build_assistant(settings, stores), users)
        gold_executor = gold_executor_for(stores)
        known = known_references(stores, users)
    code = run_eval(
        cases,
        client,
        report_dir=report,
        compare=compare,
        min_scores=min_score or [],
        max_scores=max_score or [],
        gold_executor=gold_executor,
        console=console,
        progress_console=errors,
        **known,
    )
    raise typer.Exit(code)


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
