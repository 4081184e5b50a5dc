"""Slack's text formats, both ways: cityqa text → mrkdwn (escaped, links, code), and a Slack
message's text → the plain question cityqa answers."""

from __future__ import annotations

import re
from urllib.parse import quote

_SLACK_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_FENCE = "```"
_BROKEN_FENCE = "`\u200b``"


def escape(text: str) -> str:
    """Escape the three characters Slack reads as markup. Without it a source's text could ping a
    channel (`<!channel>`), mention people or hide a link behind innocent words."""
    return text.translate(_SLACK_ESCAPES)


def escaped_length(text: str) -> int:
    return len(escape(text))


def link(url: str | None, label: str) -> str:
    """`<url|label>` for an http(s) URL; the escaped label alone for anything else (a `javascript:`
    or relative URL is never made clickable)."""
    label_text = escape(label.replace("|", "¦"))
    if not url or not re.match(r"^https?://", url, re.IGNORECASE):
        return label_text
    # Percent-encode what would end the link early (space, |, >) and escape & as Slack asks.
    safe_url = escape(quote(url, safe=":/?#[]@!$&'()*+,;=%~"))
    return f"<{safe_url}|{label_text}>"


def code_block(text: str) -> str:
    """A ``` block; a fence inside the text is broken up (zero-width space) so it cannot close it."""
    return f"{_FENCE}{escape(text.replace(_FENCE, _BROKEN_FENCE))}{_FENCE}"


def code_block_length(text: str) -> int:
    return len(code_block(text))


# Slack's markup in the text of a message that mentions the bot.
_MARKUP = re.compile(r"<([^<>]*)>")


def question_from_slack_text(text: str, bot_user_id: str | None) -> str:
    """The question in a Slack message: the bot's own mention removed, links and mentions turned back
    into their text, Slack's escapes undone and spaces collapsed."""

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):  # a user mention: <@U123> or <@U123|name>
            if bot_user_id is None or target[1:] == bot_user_id:
                return " "
            return f"@{label or target[1:]}"
        if target.startswith("#"):  # a channel: <#C123|general>
            return f"#{label or target[1:]}"
        if target.startswith("!"):  # <!here>, <!channel>, <!date^…|fallback>: only a fallback is text
            return label
        return label or target  # a link: <https://…|label> or <https://…>

    plain = _MARKUP.sub(replace, text)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(plain.split())
