"""Answering on Slack: resolve who asks, continue the thread's conversation, answer, post the
messages, and turn every failure into a short message where the asker sees it (never silence).

Bolt calls this from its listener threads, after Slack's request was acknowledged."""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.api.errors import new_request_id
from assistant.bot.blocks import FEEDBACK_ACTIONS, SlackMessage, render_answer, render_notice
from assistant.bot.identity import SlackIdentities
from assistant.bot.labels import labels_for
from assistant.bot.mrkdwn import escape, question_from_slack_text
from assistant.bot.threads import SeenMessages, ThreadConversations
from assistant.errors import CityQAError
from assistant.feedback import FeedbackRating, FeedbackRequest
from assistant.models import Answer, User
from assistant.pipeline import Assistant

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000  # as /api/chat
# chat.postMessage errors after which a slash command's answer goes back through its response_url:
# the command was used where the bot is not a member (a private channel, someone else's DM).
_NOT_A_MEMBER = {"not_in_channel", "channel_not_found"}

# Posts one message where the answer belongs; returns the message's ts (None when not known).
Poster = Callable[[SlackMessage, str | None], str | None]


class SlackAnswerer:
    def __init__(
        self,
        assistant: Assistant,
        identities: SlackIdentities,
        conversations: ThreadConversations | None = None,
        seen: SeenMessages | None = None,
    ) -> None:
        self.assistant = assistant
        self.identities = identities
        self.conversations = conversations or ThreadConversations()
        self.seen = seen or SeenMessages()

    def answer_message(
        self,
        client: WebClient,
        *,
        channel: str,
        ts: str,
        thread_ts: str | None,
        slack_user: str,
        text: str,
        bot_user_id: str | None,
    ) -> None:
        """A mention or a direct message: answered in its thread (the message starts one if needed)."""
        if not self.seen.first_time(channel, ts):
            return
        root = thread_ts or ts
        question = question_from_slack_text(text, bot_user_id)

        def post(message: SlackMessage, _: str | None) -> str | None:
            return _post_message(client, channel, root, message)

        self._answer(question, slack_user, channel, None, root, post, asked_by=None)

    def answer_command(
        self,
        client: WebClient,
        respond: Callable[..., object],
        *,
        channel: str,
        slack_user: str,
        user_name: str | None,
        text: str,
    ) -> None:
        """A slash command: the answer is posted in the channel for all to see, with who asked what;
        its first message starts the thread in which follow-ups continue the conversation."""
        via_response_url = False

        def post(message: SlackMessage, first_ts: str | None) -> str | None:
            nonlocal via_response_url
            if not via_response_url:
                try:
                    return _post_message(client, channel, first_ts, message)
                except SlackApiError as error:
                    if error.response.get("error") not in _NOT_A_MEMBER:
                        raise
                    via_response_url = True
            respond(text=message.text, blocks=message.blocks, response_type="in_channel")
            return None

        def notify(message: SlackMessage) -> None:  # errors go to the asker only
            client.chat_postEphemeral(
                channel=channel, user=slack_user, text=message.text, blocks=message.blocks
            )

        question = " ".join(text.split())
        self._answer(question, slack_user, channel, user_name, None, post, asked_by=slack_user, notify=notify)

    def record_feedback(
        self,
        client: WebClient,
        *,
        channel: str,
        thread_ts: str | None,
        slack_user: str,
        user_name: str | None,
        action_id: str,
        answer_id: str,
        message_text: str,
    ) -> None:
        """A 👍/👎 click: stored (the answer was posted where others saw it: `shared`), and the clicker
        alone is told it was."""
        labels = labels_for(message_text)
        rating = FeedbackRating(FEEDBACK_ACTIONS[action_id])
        user = self.identities.user_for(slack_user, channel, user_name)
        try:
            request = FeedbackRequest(answer_id=answer_id, rating=rating, channel="slack")
            self.assistant.record_feedback(user, request, shared=True)
            reply = labels.thanks.format(rating="👍" if rating is FeedbackRating.UP else "👎")
        except CityQAError as error:
            reply = labels.feedback_failed.format(detail=escape(error.detail))
        except ValidationError:
            reply = labels.feedback_failed.format(detail=escape(f"not an answer id: {answer_id[:70]}"))
        except Exception:
            request_id = new_request_id()
            logger.exception("Slack feedback failed (request id %s)", request_id)
            reply = labels.feedback_failed.format(detail=f"internal error, request id `{request_id}`")
        try:
            client.chat_postEphemeral(channel=channel, user=slack_user, text=reply, thread_ts=thread_ts)
        except SlackApiError:
            logger.exception("could not tell Slack user %s about their rating of %s", slack_user, answer_id)

    def _answer(
        self,
        question: str,
        slack_user: str,
        channel: str,
        user_name: str | None,
        thread_ts: str | None,
        post: Poster,
        asked_by: str | None,
        notify: Callable[[SlackMessage], None] | None = None,
    ) -> None:
        labels = labels_for(question)

        def tell(message: SlackMessage) -> None:
            if notify is not None:
                notify(message)
            else:
                post(message, None)

        try:
            if not question:
                tell(render_notice(escape(labels.empty_question)))
                return
            if len(question) > MAX_QUESTION_CHARS:
                detail = f"a question is at most {MAX_QUESTION_CHARS:,} characters"
                tell(render_notice(labels.failed.format(detail=detail)))
                return
            user = self.identities.user_for(slack_user, channel, user_name)
            conversation_id = (
                self.conversations.conversation_for(channel, thread_ts, user.key_id) if thread_ts else None
            )
            answer = self.assistant.answer(question, user, conversation_id)
            self._note_channel_cap(answer, slack_user, user, user_name)
            first_ts: str | None = None
            for message in render_answer(answer, asked_by):
                posted = post(message, first_ts)
                first_ts = first_ts or posted
            root = thread_ts or first_ts
            if root:
                self.conversations.remember(channel, root, user.key_id, answer.conversation_id)
        except CityQAError as error:
            logger.info("Slack question not answered: %s", error)
            self._tell_safely(tell, labels.failed.format(detail=escape(error.detail)))
        except Exception:
            request_id = new_request_id()
            logger.exception("Slack question failed (request id %s)", request_id)
            self._tell_safely(tell, labels.unexpected.format(request_id=request_id))

    def _note_channel_cap(self, answer: Answer, slack_user: str, user: User, user_name: str | None) -> None:
        """Say so when the channel lowered the asker's clearance: else a 'not found' would puzzle
        someone who could see the answer in a direct message."""
        own = self.identities.user_for(slack_user, None, user_name)
        if own.clearance.level > user.clearance.level:
            answer.notes.insert(
                0,
                f"only {user.clearance.value} sources are used in this channel; "
                "ask in a direct message for more",
            )

    @staticmethod
    def _tell_safely(tell: Callable[[SlackMessage], None], text: str) -> None:
        try:
            tell(render_notice(text))
        except Exception:  # Slack itself failed: the log is all that is left
            logger.exception("could not post an error message to Slack")


def _post_message(
    client: WebClient, channel: str, thread_ts: str | None, message: SlackMessage
) -> str | None:
    response = client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=message.text,
        blocks=message.blocks,
        unfurl_links=False,  # the sources are links: previews of each would bury the answer
        unfurl_media=False,
    )
    ts = response.get("ts")
    return ts if isinstance(ts, str) else None
