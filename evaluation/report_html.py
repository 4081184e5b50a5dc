"""The self-contained report.html: inline CSS, charts as inline SVG, no scripts, every text escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from .metric_names import LOWER_IS_BETTER, METRICS, format_metric

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans KR",sans-serif;margin:2rem;color:#1f2933}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d9e2ec}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #d9e2ec;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f0f4f8}td.num{text-align:right;white-space:nowrap}
.bar{background:#e4e7eb;height:.6rem;width:8rem;display:inline-block;margin-left:.4rem}
.bar span{display:block;height:100%;background:#3e7cb1}
.pass{color:#1b7f3b;font-weight:600}.fail{color:#b42318;font-weight:600}.skip{color:#7b8794}
.leak{background:#fde8e8}pre{white-space:pre-wrap;background:#f5f7fa;padding:.5rem;margin:.3rem 0}
details summary{cursor:pointer}.muted{color:#7b8794}.small{font-size:.8rem}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _bar(name: str, value: Any) -> str:
    if value is None or name.endswith("_ms") or name == "permission_leaks":
        return ""
    width = max(0.0, min(1.0, float(value))) * 100
    return f'<span class="bar"><span style="width:{width:.1f}%"></span></span>'


def _svg_bars(title: str, values: dict[str, float | None]) -> str:
    """A horizontal bar chart (0–100%) as inline SVG."""
    row_height, label_width, bar_width = 22, 150, 300
    height = row_height * len(values) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 70}" height="{height}" '
        f'role="img" aria-label="{_e(title)}">'
    ]
    for index, (label, value) in enumerate(values.items()):
        y = index * row_height + 5
        width = 0.0 if value is None else max(0.0, min(1.0, value)) * bar_width
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{_e(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{bar_width}" height="14" fill="#e4e7eb"/>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{width:.1f}" height="14" fill="#3e7cb1"/>')
        shown = "n/a" if value is None else f"{value:.0%}"
        parts.append(f'<text x="{label_width + bar_width + 6}" y="{y + 14}" font-size="12">{shown}</text>')
    parts.append("</svg>")
    return f"<figure><figcaption>{_e(title)}</figcaption>{''.join(parts)}</figure>"


def _metrics_table(summary: dict[str, Any]) -> str:
    groups = {"overall": summary["overall"], **summary["by_category"]}
    head = "".join(f"<th>{_e(name)}</th>" for name in groups)
    passed = "".join(f"<td class=num>{g['passed']}/{g['cases']}</td>" for g in groups.values())
    rows = [f"<tr><th>cases passed</th>{passed}</tr>"]
    for name, description in METRICS.items():
        cells = "".join(
            f'<td class="num">{format_metric(name, g.get(name))}{_bar(name, g.get(name))}</td>'
            for g in groups.values()
        )
        marker = " (lower is better)" if name in LOWER_IS_BETTER else ""
        rows.append(f'<tr><th title="{_e(description + marker)}">{_e(name)}</th>{cells}</tr>')
    return f"<table><tr><th>metric</th>{head}</tr>{''.join(rows)}</table>"


def _group_table(title: str, groups: dict[str, dict[str, Any]]) -> str:
    if not groups:
        return ""
    names = (
        "answer_accuracy",
        "retrieval_hit_at_5",
        "citation_validity",
        "sql_execution_accuracy",
        "permission_leaks",
    )
    head = "".join(f"<th>{_e(n)}</th>" for n in names)
    rows = "".join(
        f"<tr><th>{_e(group)}</th><td class=num>{g['passed']}/{g['cases']}</td>"
        + "".join(f"<td class=num>{format_metric(n, g.get(n))}</td>" for n in names)
        + "</tr>"
        for group, g in groups.items()
    )
    return f"<h2>{_e(title)}</h2><table><tr><th></th><th>passed</th>{head}</tr>{rows}</table>"


def _calibration_table(calibration: dict[str, dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><th>{_e(level)}</th><td class=num>{row['cases']}</td>"
        f"<td class=num>{format_metric('answer_accuracy', row['accuracy'])}"
        f"{_bar('answer_accuracy', row['accuracy'])}</td></tr>"
        for level, row in calibration.items()
    )
    return (
        "<h2>Calibration</h2><p class=muted>Cases and accuracy by the confidence each answer stated.</p>"
        f"<table><tr><th>confidence</th><th>cases</th><th>accuracy</th></tr>{rows}</table>"
    )


def _latency_table(latency: dict[str, dict[str, float | None]]) -> str:
    rows = "".join(
        f"<tr><th>{_e(c)}</th><td class=num>{format_metric('p50_ms', v['p50'])}</td>"
        f"<td class=num>{format_metric('p95_ms', v['p95'])}</td></tr>"
        for c, v in latency.items()
    )
    return f"<h2>Latency</h2><table><tr><th></th><th>p50</th><th>p95</th></tr>{rows}</table>"


def _judge_section(judge: dict[str, Any] | None) -> str:
    if not judge:
        return ""
    rows = "".join(
        f"<tr><th>{_e(c)}</th><td class=num>{v['cases']}</td><td class=num>{_score(v['faithfulness'])}</td>"
        f"<td class=num>{_score(v['relevance'])}</td></tr>"
        for c, v in judge["by_category"].items()
    )
    return (
        f"<h2>LLM judge (separate from the scores)</h2><p class=muted>{_e(judge['model'])}, prompt "
        f"{_e(judge['prompt'])}, averaged over {judge['runs']} runs; {judge['cases_judged']} cases judged, "
        f"{judge['unparsed_runs']} unparsed replies. "
        f"Overall faithfulness {_score(judge.get('faithfulness'))}, "
        f"relevance {_score(judge.get('relevance'))}.</p><table><tr><th>category</th><th>cases</th>"
        f"<th>faithfulness</th><th>relevance</th></tr>{rows}</table>"
    )


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} / 5"


def _compare_section(comparison: dict[str, Any] | None) -> str:
    if not comparison:
        return ""
    rows = "".join(
        f"<tr><th>{_e(d['metric'])}</th><td class=num>{format_metric(d['metric'], d['old'])}</td>"
        f"<td class=num>{format_metric(d['metric'], d['new'])}</td>"
        f'<td class="{_e(d["verdict"])}">{_e(d["verdict"])}</td></tr>'
        for d in comparison["metrics"]
    )
    lists = "".join(
        f"<p><b>{_e(label)}</b>: {_e(', '.join(comparison[key]) or 'none')}</p>"
        for key, label in (
            ("newly_failing", "Newly failing"),
            ("newly_passing", "Newly passing"),
            ("added", "New cases"),
            ("removed", "Removed cases"),
        )
    )
    return (
        f"<h2>Compared with {_e(comparison['old_path'])}</h2><table><tr><th>metric</th><th>before</th>"
        f"<th>now</th><th></th></tr>{rows}</table>{lists}"
    )


def _case_detail(row: dict[str, Any]) -> str:
    parts = [f"<p><b>Question</b> ({_e(row['lang'])}, user {_e(row['user'])}): {_e(row['question'])}</p>"]
    if row.get("conversation"):
        parts.append(f"<p class=muted>Earlier turns: {_e(' → '.join(row['conversation']))}</p>")
    if row.get("error"):
        parts.append(f"<p class=fail>Error: {_e(row['error'])}</p>")
    if row.get("answer") is not None:
        parts.append(
            f"<p><b>Answer</b> (confidence {_e(row.get('confidence'))}):</p><pre>{_e(row['answer'])}</pre>"
        )
    if row.get("citations"):
        items = "".join(
            f"<li>[{_e(c['n'])}] <code>{_e(c['source_id'])}</code> {_link(c.get('url'), c['title'])} "
            f"<span class=muted>{_e(c.get('locator'))}</span></li>"
            for c in row["citations"]
        )
        parts.append(f"<p><b>Citations</b></p><ul>{items}</ul>")
    sql = row.get("sql")
    if sql:
        head = "".join(f"<th>{_e(c)}</th>" for c in sql.get("columns", []))
        body = "".join(
            "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in r) + "</tr>" for r in sql.get("rows", [])[:20]
        )
        more = f"<p class=muted>{sql['row_count']} rows{' (truncated)' if sql.get('truncated') else ''}</p>"
        parts.append(
            f"<p><b>SQL</b></p><pre>{_e(sql['query'])}</pre><table><tr>{head}</tr>{body}</table>{more}"
        )
    if row.get("suggestions"):
        parts.append(
            "<p><b>Suggestions</b>: " + _e(", ".join(s["source_id"] for s in row["suggestions"])) + "</p>"
        )
    if row.get("retrieved"):
        parts.append(f"<p class=small><b>Retrieved</b>: {_e(', '.join(row['retrieved']))}</p>")
    checks = "".join(
        f'<tr><td>{_e(c["name"])}</td><td class="{_verdict_class(c["passed"])}">{_verdict(c["passed"])}</td>'
        f"<td>{_e(c['detail'])}</td></tr>"
        for c in row["checks"]
    )
    parts.append(f"<table><tr><th>check</th><th></th><th>detail</th></tr>{checks}</table>")
    if row.get("leaks"):
        leaks = ", ".join(f"{leak['source_id']} in {leak['where']}" for leak in row["leaks"])
        parts.append(f'<p class="fail leak">Leaks: {_e(leaks)}</p>')
    if row.get("judge"):
        parts.append(
            f"<p class=muted>Judge: faithfulness {_score(row['judge']['faithfulness'])}, "
            f"relevance {_score(row['judge']['relevance'])}</p>"
        )
    return "".join(parts)


def _link(url: str | None, text: str) -> str:
    """A plain link for http(s) URLs only (never javascript: or data:)."""
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noreferrer">{_e(text)}</a>'
    return _e(text)


def _verdict(passed: bool | None) -> str:
    return "skipped" if passed is None else ("pass" if passed else "FAIL")


def _verdict_class(passed: bool | None) -> str:
    return "skip" if passed is None else ("pass" if passed else "fail")


def _cases_table(rows: list[dict[str, Any]]) -> str:
    ordered = sorted(rows, key=lambda r: (r["passed"], r["category"], r["id"]))
    body = []
    for row in ordered:
        reasons = "; ".join(f"{c['name']}: {c['detail']}" for c in row["checks"] if c["passed"] is False)
        reasons_html = f'<p class="fail small">{_e(reasons)}</p>' if reasons else ""
        body.append(
            f"<tr{' class=leak' if row.get('leaks') else ''}><td><code>{_e(row['id'])}</code></td>"
            f"<td>{_e(row['category'])}</td><td>{_e(row['lang'])}</td>"
            f'<td class="{_verdict_class(row["passed"])}">{"pass" if row["passed"] else "FAIL"}</td>'
            f"<td class=num>{row['latency_ms']:,.0f} ms</td>"
            f"<td><details><summary>{_e(row['question'])}</summary>{_case_detail(row)}</details>"
            f"{reasons_html}</td></tr>"
        )
    return (
        "<h2>Cases</h2><table><tr><th>id</th><th>category</th><th>lang</th><th>result</th><th>latency</th>"
        f"<th>question, answer and checks</th></tr>{''.join(body)}</table>"
    )


def render_html(
    summary: dict[str, Any], rows: list[dict[str, Any]], comparison: dict[str, Any] | None = None
) -> str:
    run = summary["run"]
    overall = summary["overall"]
    charts = _svg_bars(
        "Answer accuracy by category", {c: g["answer_accuracy"] for c, g in summary["by_category"].items()}
    ) + _svg_bars(
        "Answer accuracy by language", {c: g["answer_accuracy"] for c, g in summary["by_lang"].items()}
    )
    leaks = overall.get("permission_leaks") or 0
    leak_banner = f"<p class=fail>{int(leaks)} permission leak(s)!</p>" if leaks else ""
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>cityqa evaluation report</title>"
        f"<style>{_CSS}</style></head><body><h1>cityqa evaluation report</h1>"
        f"<p class=muted>{_e(run['started'])} – {_e(run['finished'])}; {run['cases']} cases; client "
        f"{_e(run['client'])}{' ' + _e(run['url']) if run.get('url') else ''}; files: "
        f"{_e(', '.join(run.get('case_files', [])))}</p>"
        f"<p><b>{overall['passed']} of {overall['cases']} cases passed</b> "
        f"({format_metric('answer_accuracy', overall['answer_accuracy'])}).</p>{leak_banner}"
        f"{charts}<h2>Scores</h2>{_metrics_table(summary)}{_calibration_table(overall['calibration'])}"
        f"{_group_table('By language', summary['by_lang'])}{_group_table('By tag', summary['by_tag'])}"
        f"{_latency_table(summary['latency_ms'])}{_judge_section(summary.get('judge'))}"
        f"{_compare_section(comparison)}{_cases_table(rows)}</body></html>"
    )
