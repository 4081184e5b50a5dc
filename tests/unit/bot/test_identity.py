"""Slack users and channels → cityqa users: the mapping file, unknown users, channel caps."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.bot.identity import SlackIdentities
from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification
from assistant.users import UserDirectory, key_id

REPO_ROOT = Path(__file__).resolve().parents[3]
DEMO_KEYS = REPO_ROOT / "data" / "demo" / "api_keys.toml"
DEMO_SLACK_USERS = REPO_ROOT / "data" / "demo" / "slack_users.toml"

MAPPING = f"""
channel_max_clearance = "internal"

[users.U0PERSONNEL]
key_id = "{key_id("demo-personnel-key")}"

[users.U0ANALYST]
name = "Data Analyst"
department = "빅데이터통계과"
clearance = "internal"

[channels.C0GENERAL]
max_clearance = "public"
"""


@pytest.fixture
def directory() -> UserDirectory:
    return UserDirectory.from_file(DEMO_KEYS, allow_anonymous=True)


def identities_from(text: str, tmp_path: Path, directory: UserDirectory) -> SlackIdentities:
    path = tmp_path / "slack_users.toml"
    path.write_text(text, encoding="utf-8")
    return SlackIdentities.from_file(path, directory)


def test_a_mapped_key_id_is_that_keys_user(tmp_path: Path, directory: UserDirectory) -> None:
    identities = identities_from(MAPPING, tmp_path, directory)
    officer = identities.user_for("U0PERSONNEL", "D0PERSONNEL")
    assert officer == directory.authenticate("demo-personnel-key")
    assert (officer.clearance, officer.department) == (Classification.RESTRICTED, "인사과")


def test_a_user_entry_is_a_user_of_its_own(tmp_path: Path, directory: UserDirectory) -> None:
    analyst = identities_from(MAPPING, tmp_path, directory).user_for("U0ANALYST", "D0ANALYST")
    assert (analyst.key_id, analyst.name, analyst.department, analyst.clearance) == (
        "slack:U0ANALYST",
        "Data Analyst",
        "빅데이터통계과",
        Classification.INTERNAL,
    )


def test_an_unknown_user_is_public(tmp_path: Path, directory: UserDirectory) -> None:
    for identities in (
        identities_from(MAPPING, tmp_path, directory),
        SlackIdentities.from_file(None, directory),
    ):
        stranger = identities.user_for("U0STRANGER", "D0STRANGER", display_name="kim")
        assert (stranger.key_id, stranger.name, stranger.clearance) == (
            "slack:U0STRANGER",
            "kim",
            Classification.PUBLIC,
        )
        assert not stranger.may_see(Classification.INTERNAL, [])
    assert SlackIdentities().user_for("U0X").name == "Slack user U0X"


def test_channels_cap_clearance_and_direct_messages_do_not(tmp_path: Path, directory: UserDirectory) -> None:
    identities = identities_from(MAPPING, tmp_path, directory)
    assert identities.user_for("U0PERSONNEL", "C0GENERAL").clearance == Classification.PUBLIC
    assert identities.user_for("U0PERSONNEL", "C0OTHER").clearance == Classification.INTERNAL  # the default
    assert identities.user_for("U0PERSONNEL", "D0PERSONNEL").clearance == Classification.RESTRICTED
    assert identities.user_for("U0PERSONNEL", None).clearance == Classification.RESTRICTED
    # A cap lowers; it never raises anyone's clearance, and the user stays who they are.
    assert identities.user_for("U0STRANGER", "C0OTHER").clearance == Classification.PUBLIC
    assert identities.user_for("U0PERSONNEL", "C0GENERAL").key_id == key_id("demo-personnel-key")


def test_without_a_default_cap_channels_are_not_capped(tmp_path: Path, directory: UserDirectory) -> None:
    identities = identities_from(
        f'[users.U1]\nkey_id = "{key_id("demo-internal-key")}"\n', tmp_path, directory
    )
    assert identities.user_for("U1", "C0ANY").clearance == Classification.INTERNAL


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[users.U1]\nkey_id = "key_000000000000"\n', "not in the API key file"),
        ('[users.U1]\nkey_id = "key_1"\nname = "X"\n', "not both"),
        ('[users.U1]\ndepartment = "인사과"\n', "give key_id, or a name"),
        ('[users.U1]\nname = "X"\nclearance = "secret"\n', "clearance"),
        ('[channels.C1]\nmax_clearance = "top"\n', "max_clearance"),
        ('[users.U1]\nname = "X"\nkey = "demo-personnel-key"\n', "Extra inputs"),
        ("[users.U1\n", "invalid Slack users file"),
        ('surprise = "field"\n', "surprise"),
    ],
)
def test_an_invalid_file_is_a_clear_configuration_error(
    tmp_path: Path, directory: UserDirectory, text: str, message: str
) -> None:
    with pytest.raises(CityQAError) as raised:
        identities_from(text, tmp_path, directory)
    assert raised.value.code == ErrorCode.INVALID_CONFIG and message in raised.value.detail


def test_a_missing_file_is_a_configuration_error(tmp_path: Path, directory: UserDirectory) -> None:
    with pytest.raises(CityQAError, match="invalid Slack users file"):
        SlackIdentities.from_file(tmp_path / "nope.toml", directory)


def test_the_demo_mapping_loads_against_the_demo_keys(directory: UserDirectory) -> None:
    identities = SlackIdentities.from_file(DEMO_SLACK_USERS, directory)
    assert identities.user_for("U0DEMOPERSONNEL", "D0DEMO").department == "인사과"
