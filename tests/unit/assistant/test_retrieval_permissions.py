"""Retrieval never hands a user a passage they may not see, whatever they ask."""

from __future__ import annotations

import pytest

from assistant.models import Classification, User

ANONYMOUS = User()
PUBLIC_KEY = User(key_id="pub", name="Citizen Desk", clearance=Classification.PUBLIC)
INTERNAL = User(key_id="int", department="빅데이터통계과", clearance=Classification.INTERNAL)
PERSONNEL = User(key_id="per", department="인사과", clearance=Classification.RESTRICTED)
COMPLAINTS = User(key_id="com", department="민원담당관", clearance=Classification.RESTRICTED)

INTERNAL_DOC = "doc:internal_review.md"
PERSONNEL_DOC = "doc:personnel_policy.md"
COMPLAINTS_DOC = "doc:complaints_policy.md"
OPEN_RESTRICTED_DOC = "doc:security_register.md"
PUBLIC_DOC = "doc:request_procedure.md"

QUESTIONS = {
    INTERNAL_DOC: "Which committee reviews internal datasets? zebracrossing",
    PERSONNEL_DOC: "How long are personnel records kept in the walrusvault archive after retirement?",
    COMPLAINTS_DOC: "How long are complaint records kept in the pelicanledger archive?",
    OPEN_RESTRICTED_DOC: "Where are security incidents logged? ostrichbook register",
}

VISIBLE = {
    "anonymous": (ANONYMOUS, set()),
    "public_key": (PUBLIC_KEY, set()),
    "internal": (INTERNAL, {INTERNAL_DOC}),
    "personnel": (PERSONNEL, {INTERNAL_DOC, PERSONNEL_DOC, OPEN_RESTRICTED_DOC}),
    "complaints": (COMPLAINTS, {INTERNAL_DOC, COMPLAINTS_DOC, OPEN_RESTRICTED_DOC}),
}
HIDDEN_DOCS = set(QUESTIONS)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, stack_builder, corpus_writer, corpus_ingester):
    home = tmp_path_factory.mktemp("retrieval_permissions")
    built = stack_builder(home / "home")
    corpus_ingester(built, corpus_writer(home / "corpus"))
    yield built
    built.warehouse.close()


@pytest.mark.parametrize("user_name", sorted(VISIBLE))
@pytest.mark.parametrize("target", sorted(QUESTIONS))
def test_retrieval_returns_only_what_the_user_may_see(stack, user_name: str, target: str) -> None:
    user, may_see = VISIBLE[user_name]
    passages = stack.assistant.retriever.retrieve_passages_for_user(QUESTIONS[target], user, k=100)
    returned = {passage.chunk.source_id for passage in passages}
    assert passages, "retrieval returned nothing at all; the test would be vacuous"
    assert returned & HIDDEN_DOCS == may_see & returned
    assert not (returned & (HIDDEN_DOCS - may_see))
    if target in may_see:
        assert passages[0].chunk.source_id == target, "a visible, exactly matching document ranks first"


@pytest.mark.parametrize("user_name", sorted(VISIBLE))
def test_everything_the_user_may_see_is_still_retrievable(stack, user_name: str) -> None:
    user, may_see = VISIBLE[user_name]
    passages = stack.assistant.retriever.retrieve_passages_for_user(
        "records archive committee register " + " ".join(QUESTIONS.values()), user, k=100
    )
    returned = {passage.chunk.source_id for passage in passages}
    assert returned & HIDDEN_DOCS == may_see
    assert PUBLIC_DOC in returned


@pytest.mark.parametrize("user_name", sorted(VISIBLE))
@pytest.mark.parametrize("target", sorted(QUESTIONS))
def test_answers_cite_and_suggest_only_visible_sources(stack, user_name: str, target: str) -> None:
    user, may_see = VISIBLE[user_name]
    answer = stack.assistant.answer(QUESTIONS[target], user)
    shown = (
        {citation.source_id for citation in answer.citations}
        | {suggestion.source_id for suggestion in answer.suggestions}
        | set(answer.retrieved_source_ids)
    )
    assert not (shown & (HIDDEN_DOCS - may_see))
    secret_words = {
        INTERNAL_DOC: "zebracrossing committee",
        PERSONNEL_DOC: "5 years",
        COMPLAINTS_DOC: "3 years",
        OPEN_RESTRICTED_DOC: "security office",
    }
    for source_id, words in secret_words.items():
        if source_id not in may_see:
            assert words not in answer.answer
    if target in may_see:
        assert target in {citation.source_id for citation in answer.citations}, answer.answer
