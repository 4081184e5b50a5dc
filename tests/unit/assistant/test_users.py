"""API keys from a TOML file: users, unknown keys, anonymous access, invalid files."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CityQAError, ErrorCode
from assistant.models import Classification
from assistant.users import ANONYMOUS, UserDirectory, key_id

KEYS = """
[keys."key-public"]
name = "Citizen Desk"

[keys."key-personnel"]
name = "Personnel Officer"
department = "인사과"
clearance = "restricted"
"""


@pytest.fixture
def keys_file(tmp_path: Path) -> Path:
    path = tmp_path / "api_keys.toml"
    path.write_text(KEYS, encoding="utf-8")
    return path


def test_keys_file_becomes_users(keys_file: Path) -> None:
    users = UserDirectory.from_file(keys_file, allow_anonymous=False)
    assert sorted(users.keys()) == ["key-personnel", "key-public"]

    personnel = users.authenticate("key-personnel")
    assert personnel.name == "Personnel Officer"
    assert personnel.department == "인사과"
    assert personnel.clearance == Classification.RESTRICTED
    assert personnel.key_id == key_id("key-personnel")
    assert "key-personnel" not in personnel.key_id

    public = users.authenticate("key-public")
    assert public.clearance == Classification.PUBLIC
    assert public.department is None
    assert public.key_id != personnel.key_id


def test_demo_keys_file_loads() -> None:
    demo = Path(__file__).resolve().parents[3] / "data" / "demo" / "api_keys.toml"
    users = UserDirectory.from_file(demo, allow_anonymous=True)
    assert users.authenticate("demo-internal-key").clearance == Classification.INTERNAL
    assert users.authenticate("demo-personnel-key").department == "인사과"


@pytest.mark.parametrize("allow_anonymous", [True, False])
@pytest.mark.parametrize("key", ["nope", "key-public ", "KEY-PUBLIC", "key-publi"])
def test_unknown_key_is_unauthorized(keys_file: Path, key: str, allow_anonymous: bool) -> None:
    users = UserDirectory.from_file(keys_file, allow_anonymous=allow_anonymous)
    with pytest.raises(CityQAError) as raised:
        users.authenticate(key)
    assert raised.value.code == ErrorCode.UNAUTHORIZED
    assert raised.value.code.http_status == 401


@pytest.mark.parametrize("missing_key", [None, ""])
def test_anonymous_allowed_gets_public_clearance(keys_file: Path, missing_key: str | None) -> None:
    user = UserDirectory.from_file(keys_file, allow_anonymous=True).authenticate(missing_key)
    assert user == ANONYMOUS
    assert user.clearance == Classification.PUBLIC
    assert user.department is None


@pytest.mark.parametrize("missing_key", [None, ""])
def test_anonymous_denied_is_unauthorized(keys_file: Path, missing_key: str | None) -> None:
    users = UserDirectory.from_file(keys_file, allow_anonymous=False)
    with pytest.raises(CityQAError) as raised:
        users.authenticate(missing_key)
    assert raised.value.code == ErrorCode.UNAUTHORIZED


def test_no_keys_file_means_only_anonymous() -> None:
    users = UserDirectory.from_file(None, allow_anonymous=True)
    assert users.keys() == []
    assert users.authenticate(None) == ANONYMOUS
    with pytest.raises(CityQAError):
        users.authenticate("anything")


@pytest.mark.parametrize(
    "content",
    [
        "this is = not [valid toml",
        '[keys."k"]\nname = "x"\nclearance = "top-secret"\n',
        '[keys."k"]\ndepartment = "인사과"\n',  # no name
        'keys = ["not", "a", "table"]\n',
    ],
    ids=["syntax", "bad-clearance", "no-name", "keys-not-a-table"],
)
def test_invalid_keys_file_is_invalid_config(tmp_path: Path, content: str) -> None:
    path = tmp_path / "api_keys.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CityQAError) as raised:
        UserDirectory.from_file(path, allow_anonymous=True)
    assert raised.value.code == ErrorCode.INVALID_CONFIG
    assert str(path) in raised.value.detail


def test_missing_keys_file_is_invalid_config(tmp_path: Path) -> None:
    with pytest.raises(CityQAError) as raised:
        UserDirectory.from_file(tmp_path / "absent.toml", allow_anonymous=True)
    assert raised.value.code == ErrorCode.INVALID_CONFIG
