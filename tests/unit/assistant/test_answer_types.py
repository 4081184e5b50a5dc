"""What a question asks for, and whether a sentence gives it (sentences written for this test)."""

from __future__ import annotations

import pytest

from assistant.answer_types import AnswerType, expected_answer_type, gives_answer_type


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("기본계획은 몇 년마다 세우나요?", AnswerType.CYCLE),
        ("How often must the plan be revised?", AnswerType.CYCLE),
        ("신청하면 며칠 안에 답을 받나요?", AnswerType.PERIOD),
        ("How long is the term of office of a commissioner?", AnswerType.PERIOD),
        ("위원회 위원은 몇 명인가요?", AnswerType.COUNT),
        ("과태료는 얼마인가요?", AnswerType.AMOUNT),
        ("Who appoints the chief data officer?", AnswerType.WHO),
        ("데이터의 날은 몇 월 며칠이에요?", AnswerType.DATE),
        ("What does the policy say about open formats?", None),
        ("분쟁조정위원회는 위원 몇 명 이내로 구성되나요?", AnswerType.COUNT),  # "이내" of a head count
        ("How regularly is the inventory reviewed?", AnswerType.CYCLE),
        ("'공공데이터'의 법적 정의가 뭐예요?", AnswerType.DEFINITION),
        ("What's a data steward under the policy?", AnswerType.DEFINITION),
        ("What is the term of office of a member?", AnswerType.PERIOD),  # "what is the …" asks more
        ("협약에 들어가야 하는 내용이 뭐예요?", None),
    ],
)
def test_the_kind_of_answer_a_question_asks_for(question: str, expected: AnswerType | None) -> None:
    assert expected_answer_type(question) == expected


@pytest.mark.parametrize(
    ("answer_type", "sentence", "gives"),
    [
        (AnswerType.CYCLE, "장관은 5년마다 기본계획을 수립하여야 한다.", True),
        (AnswerType.CYCLE, "장관은 기본계획을 수립하여야 한다.", False),
        (AnswerType.PERIOD, "신청을 받은 날부터 10일 이내에 결정하여야 한다.", True),
        (AnswerType.PERIOD, "The agency must respond within 30 days.", True),
        (AnswerType.COUNT, "위원회는 위원장 1명을 포함한 9명의 위원으로 구성한다.", True),
        (AnswerType.AMOUNT, "300만원 이하의 과태료를 부과한다.", True),
        (AnswerType.WHO, "행정안전부장관이 지정한다.", True),
        (AnswerType.WHO, "지정하여야 한다.", False),
        (AnswerType.PERIOD, "시행계획을 매년 2월 말일까지 제출하여야 한다.", True),  # a deadline date
        (AnswerType.PERIOD, "The report is due no later than July fifteen each year.", True),
        (AnswerType.CYCLE, "The city shall conduct a yearly review of its progress.", True),
        (AnswerType.CYCLE, "The committee meets every two weeks.", True),
        (AnswerType.DEFINITION, "“가명정보”란 추가 정보 없이는 개인을 알아볼 수 없는 정보를 말한다.", True),
        (AnswerType.DEFINITION, "Data steward – a staff member named by each department.", True),
        (AnswerType.DEFINITION, "“Open data” means data that anyone may use.", True),
        (AnswerType.DEFINITION, "이 법에서 사용하는 용어의 뜻은 다음과 같다.", False),
        (None, "아무 문장", True),
    ],
)
def test_whether_a_sentence_gives_it(answer_type: AnswerType | None, sentence: str, gives: bool) -> None:
    assert gives_answer_type(answer_type, sentence) is gives


def test_how_many_times_is_a_count_even_beside_a_cycle_word() -> None:
    assert expected_answer_type("갱신 주기를 몇 번 놓치면 stale로 표시되나요?") == AnswerType.COUNT
    assert expected_answer_type("몇 년에 한 번 수립하나요?") == AnswerType.CYCLE
    assert gives_answer_type(AnswerType.COUNT, "한 차례, 최대 2회까지 연장할 수 있다.")
    assert gives_answer_type(AnswerType.COUNT, "결정 기간을 한 차례, 최대 10일까지 연장할 수 있다.")
    assert not gives_answer_type(AnswerType.COUNT, "연장 기간은 원래 기간이 끝난 다음 날부터 셉니다.")
