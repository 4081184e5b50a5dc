"""What a question must be, wherever the API takes one (`/api/chat`, a user message of `/v1/…`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

# Unicode White_Space: a question made only of these is blank. Written out rather than `\s`, which
# means different sets to Python, pydantic's Rust regex and JSON Schema validators.
BLANK_CHARACTERS = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
NON_BLANK_PATTERN = "[^" + "".join(f"\\u{ord(character):04x}" for character in BLANK_CHARACTERS) + "]"
MAX_QUESTION_CHARS = 2000


def _not_blank(text: str) -> str:
    if all(character in BLANK_CHARACTERS for character in text):
        raise ValueError("must contain a non-blank character")
    return text


# A question: 1–2,000 characters, at least one of them not blank (the pattern states it in the
# schema, the validator enforces the same rule). Add a description with `Annotated[QuestionText, Field(…)]`.
QuestionText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_QUESTION_CHARS, json_schema_extra={"pattern": NON_BLANK_PATTERN}),
    AfterValidator(_not_blank),
]
