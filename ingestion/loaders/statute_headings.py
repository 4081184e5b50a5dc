"""Headings of Korean statutes and rules written as plain paragraphs: 제1장 총칙, 제5조(제공 기한) …, 부칙.

Markdown exported from law.go.kr marks these with `#` levels, so the Markdown loader needs no help;
word-processor files (HWP, HWPX) often set them as ordinary paragraphs, and an article's title and
its first sentence share one paragraph: "제5조(제공 기한) 시장은 … 결정하여야 한다." The cue splits that
into the heading "제5조(제공 기한)" and the body after it, so citations name the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# 편 > 장 > 절 > 관 > 조, the divisions of a Korean statute; 부칙 (supplementary provisions) sits beside
# the chapters. Other heading schemes (outline levels) use 1–3, so an article stays below them.
_DIVISION_LEVELS = {"편": 1, "장": 2, "절": 3, "관": 4}
SUPPLEMENTARY_LEVEL = 2
ARTICLE_LEVEL = 5

_NUMBER = r"제\s*\d+\s*{kind}(?:\s*의\s*\d+)?"
# A division is a short paragraph of its own: "제2장 제공 절차", not "제2장에서 정한 …".
_DIVISION = re.compile(r"^" + _NUMBER.format(kind="(편|장|절|관)") + r"(?:\s+\S.{0,40})?$")
# An article is a number and its title in brackets; "제5조에 따라 …" or "제5조 및 제6조 …" is text.
_ARTICLE = re.compile(r"^(" + _NUMBER.format(kind="조") + r"\s*[(（][^()（）]{1,40}[)）])\s*(.*)$", re.DOTALL)
_SUPPLEMENTARY = re.compile(r"^부\s*칙(?:\s*[<(（].{0,40})?$")
_SENTENCE_END = re.compile(r"[.!?。]$")


@dataclass(frozen=True)
class StatuteHeading:
    level: int
    heading: str
    rest: str = ""  # the article's text that follows its title in the same paragraph


def statute_heading(paragraph: str) -> StatuteHeading | None:
    """The statute heading a paragraph opens with, or None when it is ordinary text."""
    if article := _ARTICLE.match(paragraph.strip()):
        return StatuteHeading(ARTICLE_LEVEL, " ".join(article.group(1).split()), article.group(2).strip())
    text = " ".join(paragraph.split())
    if _SENTENCE_END.search(text):
        return None  # "제2장에 따른 …다." is a sentence, not a title
    if division := _DIVISION.match(text):
        return StatuteHeading(_DIVISION_LEVELS[division.group(1)], text)
    if _SUPPLEMENTARY.match(text):
        return StatuteHeading(SUPPLEMENTARY_LEVEL, text)
    return None
