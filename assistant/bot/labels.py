"""The bot's own words, in the language of the question (Korean or English)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.tokens import is_korean


@dataclass(frozen=True)
class BotLabels:
    asked: str
    sources: str
    suggestions: str
    sql: str
    result: str
    rows_shown: str  # {shown}, {total}
    rows_cut: str
    more_columns: str  # {count}
    as_of: str  # {}
    confidence: str
    confidence_levels: dict[str, str]
    helpful: str
    not_helpful: str
    working: str
    empty_question: str
    failed: str  # {detail}
    unexpected: str  # {request_id}
    thanks: str  # {rating}
    feedback_failed: str  # {detail}
    continued: str  # {part}, {parts}


ENGLISH = BotLabels(
    asked="asked",
    sources="Sources",
    suggestions="Datasets that might help",
    sql="SQL",
    result="Result",
    rows_shown="first {shown} of {total} rows",
    rows_cut="cut at the row limit",
    more_columns="{count} more column(s) not shown",
    as_of="as of {}",
    confidence="Confidence",
    confidence_levels={
        "high": "high",
        "medium": "medium",
        "low": "low — check the sources",
        "none": "none — not found in the indexed sources",
    },
    helpful="👍 Helpful",
    not_helpful="👎 Not helpful",
    working="Looking that up…",
    empty_question="Ask me a question about the city's documents, datasets or statistics, e.g. "
    "`/cityqa How many days does an agency have to decide on a public data request?`",
    failed="Sorry, I could not answer that: {detail}",
    unexpected="Sorry, something went wrong while answering. Please try again; if it keeps happening, "
    "tell the cityqa team the request id `{request_id}`.",
    thanks="Thanks — your {rating} was recorded.",
    feedback_failed="Your rating could not be recorded: {detail}",
    continued="(continued, part {part} of {parts})",
)

KOREAN = BotLabels(
    asked="질문",
    sources="출처",
    suggestions="관련 있을 수 있는 데이터셋",
    sql="SQL",
    result="결과",
    rows_shown="{total}행 중 처음 {shown}행",
    rows_cut="행 수 제한으로 잘림",
    more_columns="표시하지 않은 열 {count}개",
    as_of="{} 기준",
    confidence="신뢰도",
    confidence_levels={
        "high": "높음",
        "medium": "보통",
        "low": "낮음 — 출처를 확인하세요",
        "none": "없음 — 색인된 자료에서 찾지 못했습니다",
    },
    helpful="👍 도움됨",
    not_helpful="👎 도움 안 됨",
    working="찾아보는 중입니다…",
    empty_question="시의 문서, 데이터셋, 통계에 대해 질문해 주세요. 예: "
    "`/cityqa 공공데이터 제공신청은 며칠 안에 결정해야 하나요?`",
    failed="죄송합니다. 답변하지 못했습니다: {detail}",
    unexpected="죄송합니다. 답변 중 문제가 생겼습니다. 다시 시도해 주시고, 계속되면 cityqa 담당자에게 "
    "요청 ID `{request_id}`를 알려 주세요.",
    thanks="평가({rating})가 기록되었습니다. 감사합니다.",
    feedback_failed="평가를 기록하지 못했습니다: {detail}",
    continued="(계속, {parts}개 중 {part}번째)",
)


def labels_for(text: str) -> BotLabels:
    return KOREAN if is_korean(text) else ENGLISH
