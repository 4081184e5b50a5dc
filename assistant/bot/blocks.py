"""An `Answer` as Slack messages in Block Kit: the answer text, numbered sources with links, the SQL
and a compact result table, the confidence, and 👍/👎 buttons — split within Slack's limits.

Limits kept: a section's text ≤ 3,000 characters, ≤ 50 blocks per message, `text` ≤ 40,000. One
more of our own: ≤ 4,000 characters of block text per message. A button click sends the whole
message back to /slack/events (form-encoded, where each Hangul character takes 9 bytes), and the
app refuses bodies over CITYQA_MAX_REQUEST_BYTES (64 kB); a longer answer goes on in more messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from assistant.bot.labels import BotLabels, labels_for
from assistant.bot.mrkdwn import code_block, code_block_length, escape, escaped_length, link
from assistant.bot.text_table import clip, render_text_table
from assistant.models import Answer, Citation, SqlResult

SECTION_TEXT_LIMIT = 3000
MAX_BLOCKS_PER_MESSAGE = 50
MESSAGE_TEXT_BUDGET = 4000
FALLBACK_TEXT_LIMIT = 1000  # the notification text; Slack's own limit is 40,000
TABLE_ROWS = 10
TABLE_COLUMNS = 8
TITLE_CHARS = 150
FEEDBACK_BLOCK_ID = "cityqa_feedback"
FEEDBACK_ACTIONS = {"cityqa_feedback_up": "up", "cityqa_feedback_down": "down"}
_BREAKS = ("\n\n", "\n", ". ", "? ", "! ", "다. ", "。", " ")


@dataclass(frozen=True)
class SlackMessage:
    """One message to post: `text` is the notification/fallback text, `blocks` the Block Kit JSON."""

    text: str
    blocks: list[dict[str, Any]]


def render_answer(answer: Answer, asked_by: str | None = None) -> list[SlackMessage]:
    """The messages of one answer, in order; the buttons are in the last one. `asked_by` (a Slack
    user id) adds who asked what on top: a slash command's question is not shown in the channel."""
    labels = labels_for(answer.question)
    blocks: list[Block] = []
    if asked_by:
        question = escape(clip(answer.question, 500))
        blocks.append(_context(f"<@{asked_by}> {labels.asked}: _{question}_"))
    blocks += _sections(answer.answer, escaped_length, escape)
    if answer.citations:
        blocks += _listing(f"*{labels.sources}*", [_source_line(c, labels) for c in answer.citations])
    elif answer.suggestions:
        lines = [f"• {link(s.url, clip(s.title, TITLE_CHARS))}" for s in answer.suggestions]
        blocks += _listing(f"*{labels.suggestions}*", lines)
    if answer.sql is not None:
        blocks += _sql_blocks(answer.sql, labels)
    blocks += _footer(answer, labels)
    return _into_messages(blocks, _plain_fallback(answer.answer), labels)


def render_notice(text: str) -> SlackMessage:
    """A short message (an error, a hint) as one section; `text` is mrkdwn, already escaped."""
    return SlackMessage(
        text=text[:FALLBACK_TEXT_LIMIT], blocks=[_section(text[:SECTION_TEXT_LIMIT]).to_dict()]
    )


def split_text(text: str, limit: int, measure: Callable[[str], int] = escaped_length) -> list[str]:
    """`text` in pieces of at most `limit` (as `measure` counts them after rendering), cut at the best
    break found in the second half of each piece: a paragraph, a line, a sentence, a word, else
    anywhere. Line breaks at a cut are dropped; leading spaces are kept (they align table columns)."""
    pieces: list[str] = []
    rest = text.strip("\n")
    while rest and measure(rest) > limit:
        fit = _longest_fitting_prefix(rest, limit, measure)
        cut = fit
        for mark in _BREAKS:
            at = rest.rfind(mark, 0, fit)
            if at >= fit // 2 and at > 0:
                cut = at + len(mark)
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    if rest.strip():
        pieces.append(rest.rstrip())
    return pieces


def _longest_fitting_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    low, high = 1, len(text)  # measure grows with length; at least one character always goes
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _source_line(citation: Citation, labels: BotLabels) -> str:
    details = [escape(citation.locator)] if citation.locator else []
    if citation.as_of:
        details.append(escape(labels.as_of.format(citation.as_of)))
    title = link(citation.url, clip(citation.title, TITLE_CHARS))
    return f"[{citation.n}] {title}" + (f" — {', '.join(details)}" if details else "")


def _sql_blocks(sql: SqlResult, labels: BotLabels) -> list[Block]:
    blocks = [_section(f"*{labels.sql}*")] + _sections(sql.query, code_block_length, code_block)
    if not sql.columns:
        return blocks
    shown = sql.rows[:TABLE_ROWS]
    notes = [labels.rows_shown.format(shown=len(shown), total=sql.row_count)]
    if sql.truncated:
        notes.append(labels.rows_cut)
    if len(sql.columns) > TABLE_COLUMNS:
        notes.append(labels.more_columns.format(count=len(sql.columns) - TABLE_COLUMNS))
    table = render_text_table(sql.columns[:TABLE_COLUMNS], [row[:TABLE_COLUMNS] for row in shown])
    blocks.append(_section(f"*{labels.result}* ({escape(', '.join(notes))})"))
    return blocks + _sections(table, code_block_length, code_block)


def _footer(answer: Answer, labels: BotLabels) -> list[Block]:
    level = labels.confidence_levels.get(answer.confidence, answer.confidence)
    context = [f"{labels.confidence}: *{escape(level)}* · `{escape(answer.answer_id)}`"]
    context += [escape(clip(note, 300)) for note in answer.notes[:3]]
    buttons = [
        ButtonElement(
            text=PlainTextObject(text=text, emoji=True), action_id=action_id, value=answer.answer_id
        )
        for action_id, text in zip(FEEDBACK_ACTIONS, (labels.helpful, labels.not_helpful), strict=True)
    ]
    return [
        ContextBlock(elements=[MarkdownTextObject(text=line) for line in context]),
        ActionsBlock(block_id=FEEDBACK_BLOCK_ID, elements=buttons),
    ]


def _sections(text: str, measure: Callable[[str], int], render: Callable[[str], str]) -> list[Block]:
    return [_section(render(piece)) for piece in split_text(text, SECTION_TEXT_LIMIT, measure)]


def _listing(heading: str, lines: list[str]) -> list[Block]:
    """A heading and lines (already mrkdwn, each short) in as few sections as fit."""
    return _sections("\n".join([heading, *lines]), len, str)


def _section(mrkdwn: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=mrkdwn))


def _context(mrkdwn: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=mrkdwn)])


def _block_text_size(block: dict[str, Any]) -> int:
    texts = [block.get("text", {}).get("text", "")]
    texts += [element.get("text", "") for element in block.get("elements", []) if block["type"] == "context"]
    return sum(len(text) for text in texts if isinstance(text, str))


def _into_messages(blocks: list[Block], fallback: str, labels: BotLabels) -> list[SlackMessage]:
    """Pack blocks into messages of ≤ 50 blocks and ≤ MESSAGE_TEXT_BUDGET characters, in order."""
    groups: list[list[dict[str, Any]]] = [[]]
    size = 0
    for block in (block.to_dict() for block in blocks):  # to_dict() checks Slack's per-block limits
        block_size = _block_text_size(block)
        current = groups[-1]
        if current and (len(current) >= MAX_BLOCKS_PER_MESSAGE or size + block_size > MESSAGE_TEXT_BUDGET):
            groups.append([])
            size = 0
        groups[-1].append(block)
        size += block_size
    if len(groups) == 1:
        return [SlackMessage(text=fallback, blocks=groups[0])]
    return [
        SlackMessage(
            text=fallback if part == 1 else labels.continued.format(part=part, parts=len(groups)),
            blocks=group,
        )
        for part, group in enumerate(groups, start=1)
    ]


def _plain_fallback(text: str) -> str:
    return escape(text if len(text) <= FALLBACK_TEXT_LIMIT else text[: FALLBACK_TEXT_LIMIT - 1] + "…")
