"""Who is asking on Slack: Slack user (and channel) ids → the cityqa `User` whose clearance applies.

The mapping is a TOML file (`CITYQA_SLACK_USERS_FILE`, example: data/demo/slack_users.toml):

    # Optional: the most any answer posted in a channel may show (direct messages are never capped).
    channel_max_clearance = "internal"

    [users.U0PERSONNEL]            # a Slack user who acts as an API key's user: name the key's *id*
    key_id = "key_58dcf9ae3488"    # (from the audit log, or `assistant.users.key_id(key)`), never the key

    [users.U0ANALYST]              # or a user of its own
    name = "Data Analyst"
    department = "빅데이터통계과"
    clearance = "internal"

    [channels.C0GENERAL]           # a channel whose replies everyone in it reads
    max_clearance = "public"

A Slack user who is not listed asks with public clearance, as `slack:<user id>`, so a restricted or
internal source never reaches them. A channel cap lowers the asker's clearance there because a reply
posted in a channel is read by all of its members, not just by the one who asked.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification, User
from assistant.users import UserDirectory


class SlackUserEntry(BaseModel):
    """One Slack user: either an API key's id, or a name with department and clearance."""

    model_config = ConfigDict(extra="forbid")

    key_id: str | None = Field(None, description="Id of an API key in the API key file (`key_…`).")
    name: str | None = None
    department: str | None = None
    clearance: Classification | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> SlackUserEntry:
        own = self.name is not None or self.department is not None or self.clearance is not None
        if self.key_id is not None and own:
            raise ValueError("give either key_id or name/department/clearance, not both")
        if self.key_id is None and self.name is None:
            raise ValueError("give key_id, or a name (with department and clearance)")
        return self


class SlackChannelEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_clearance: Classification


class SlackUsersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel_max_clearance: Classification = Classification.RESTRICTED
    users: dict[str, SlackUserEntry] = Field(default_factory=dict)
    channels: dict[str, SlackChannelEntry] = Field(default_factory=dict)


def anonymous_slack_user(slack_user_id: str, display_name: str | None = None) -> User:
    """An unmapped Slack user: public clearance, with an id of its own (for conversations, feedback
    and the audit log)."""
    return User(key_id=f"slack:{slack_user_id}", name=display_name or f"Slack user {slack_user_id}")


class SlackIdentities:
    """Resolves Slack ids to cityqa users; built once at startup, read-only afterwards."""

    def __init__(
        self,
        users: dict[str, User] | None = None,
        channel_caps: dict[str, Classification] | None = None,
        channel_max_clearance: Classification = Classification.RESTRICTED,
    ) -> None:
        self._users = users or {}
        self._channel_caps = channel_caps or {}
        self._channel_max_clearance = channel_max_clearance

    @classmethod
    def from_file(cls, path: Path | None, directory: UserDirectory) -> SlackIdentities:
        """Load the mapping; a key id the API key file does not know is a configuration error (found
        at startup rather than as a silently public user)."""
        if path is None:
            return cls()
        try:
            parsed = SlackUsersFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as error:
            raise CityQAError(
                ErrorCode.INVALID_CONFIG, f"invalid Slack users file {path}: {error}"
            ) from error
        by_key_id = {user.key_id: user for user in map(directory.authenticate, directory.keys())}
        users: dict[str, User] = {}
        for slack_id, entry in parsed.users.items():
            if entry.key_id is not None:
                if entry.key_id not in by_key_id:
                    raise CityQAError(
                        ErrorCode.INVALID_CONFIG,
                        f"invalid Slack users file {path}: user {slack_id} names key id {entry.key_id}, "
                        "which is not in the API key file",
                    )
                users[slack_id] = by_key_id[entry.key_id]
            else:
                users[slack_id] = User(
                    key_id=f"slack:{slack_id}",
                    name=entry.name or slack_id,
                    department=entry.department,
                    clearance=entry.clearance or Classification.PUBLIC,
                )
        caps = {channel: entry.max_clearance for channel, entry in parsed.channels.items()}
        return cls(users, caps, parsed.channel_max_clearance)

    def user_for(
        self, slack_user_id: str, channel_id: str | None = None, display_name: str | None = None
    ) -> User:
        """The user who asks `slack_user_id`, with the clearance that applies in `channel_id`."""
        user = self._users.get(slack_user_id) or anonymous_slack_user(slack_user_id, display_name)
        cap = self.channel_cap(channel_id)
        if cap is not None and user.clearance.level > cap.level:
            return user.model_copy(update={"clearance": cap})
        return user

    def channel_cap(self, channel_id: str | None) -> Classification | None:
        """The most a reply in this channel may show; None for no cap (and for direct messages, whose
        ids start with D, unless they are listed)."""
        if not channel_id:
            return None
        if channel_id in self._channel_caps:
            return self._channel_caps[channel_id]
        if channel_id.startswith("D") or self._channel_max_clearance is Classification.RESTRICTED:
            return None
        return self._channel_max_clearance
