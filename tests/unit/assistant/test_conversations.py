"""Follow-up questions use the conversation's previous question; conversations belong to one user."""

from __future__ import annotations

import pytest

from assistant.conversations import SQLiteConversationStore
from assistant.models import Classification, Turn, User
from assistant.pipeline import NOT_FOUND_EN

ALICE = User(key_id="key_alice", name="Alice", clearance=Classification.INTERNAL)
BOB = User(key_id="key_bob", name="Bob", clearance=Classification.INTERNAL)
FIRST = "When must the agency decide on a public data request?"
FOLLOW_UP = "and afterwards?"
PROCEDURE = "doc:request_procedure.md"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, stack_builder, corpus_writer, corpus_ingester):
    home = tmp_path_factory.mktemp("conversations")
    built = stack_builder(home / "home")
    corpus_ingester(built, corpus_writer(home / "corpus"))
    yield built
    built.warehouse.close()


def test_a_follow_up_is_searched_with_the_previous_question(stack) -> None:
    alone = stack.assistant.answer(FOLLOW_UP, ALICE)
    assert alone.answer == NOT_FOUND_EN, (
        "the follow-up alone must not be answerable for this test to mean anything"
    )

    first = stack.assistant.answer(FIRST, ALICE)
    assert PROCEDURE in {citation.source_id for citation in first.citations}
    follow_up = stack.assistant.answer(FOLLOW_UP, ALICE, first.conversation_id)

    assert follow_up.conversation_id == first.conversation_id
    assert PROCEDURE in {citation.source_id for citation in follow_up.citations}
    assert follow_up.question == FOLLOW_UP


def test_another_user_cannot_continue_someones_conversation(stack) -> None:
    first = stack.assistant.answer(FIRST, ALICE)

    hijack = stack.assistant.answer(FOLLOW_UP, BOB, first.conversation_id)

    assert hijack.conversation_id != first.conversation_id
    assert hijack.answer == NOT_FOUND_EN, "Bob's follow-up must not see Alice's question"
    # Alice's conversation is untouched by Bob's attempt
    _, turns = stack.assistant.conversations.history(first.conversation_id, ALICE.key_id)
    assert [turn.question for turn in turns] == [FIRST]
    _, bobs_view = stack.assistant.conversations.history(first.conversation_id, BOB.key_id)
    assert bobs_view == []


def test_a_new_conversation_gets_an_id_and_continues_with_it(stack) -> None:
    first = stack.assistant.answer(FIRST, BOB)
    assert first.conversation_id
    second = stack.assistant.answer(
        "Is an extension allowed for the public data request?", BOB, first.conversation_id
    )
    assert second.conversation_id == first.conversation_id
    _, turns = stack.assistant.conversations.history(first.conversation_id, BOB.key_id)
    assert len(turns) == 2


def test_a_made_up_id_starts_a_new_conversation_without_context(stack) -> None:
    made_up = "c_my-own-conversation"

    answer = stack.assistant.answer(FOLLOW_UP, ALICE, made_up)

    assert answer.conversation_id != made_up
    assert answer.answer == NOT_FOUND_EN
    # the new conversation is stored under the issued id, never under the client's
    assert stack.assistant.conversations.history(made_up, ALICE.key_id)[0] != made_up
    _, turns = stack.assistant.conversations.history(answer.conversation_id, ALICE.key_id)
    assert [turn.question for turn in turns] == [FOLLOW_UP]


def test_an_anonymous_conversation_is_continued_by_whoever_holds_its_id(stack) -> None:
    """Every anonymous caller is the one owner "anonymous": the unguessable id is the bearer token."""
    first = stack.assistant.answer(FIRST, User())

    with_the_id = stack.assistant.answer(FOLLOW_UP, User(), first.conversation_id)
    without_it = stack.assistant.answer(FOLLOW_UP, User())

    assert with_the_id.conversation_id == first.conversation_id
    assert PROCEDURE in {citation.source_id for citation in with_the_id.citations}
    assert without_it.conversation_id not in (first.conversation_id, with_the_id.conversation_id)
    assert without_it.answer == NOT_FOUND_EN


def test_store_keeps_owners_apart_and_forgets_the_oldest() -> None:
    store = SQLiteConversationStore.in_memory(max_conversations=2)
    conversation, turns = store.history(None, "alice")
    assert turns == []
    store.append(conversation, "alice", Turn(question="q1"))
    assert store.history(conversation, "alice") == (conversation, [Turn(question="q1")])
    other_id, other_turns = store.history(conversation, "bob")
    assert other_id != conversation and other_turns == []
    store.append(store.history(None, "bob")[0], "bob", Turn(question="b1"))
    store.append(store.history(None, "bob")[0], "bob", Turn(question="b2"))
    forgotten_id, forgotten = store.history(conversation, "alice")
    assert forgotten == [] and forgotten_id != conversation
