"""Permission metadata and filters: who may see which chunk.

The rule itself is `User.may_see`. Here it is translated into metadata stored with every chunk and
a Chroma `where` filter, so the store never returns what the user may not see; callers check again
with `User.may_see` afterwards (defence in depth).
"""

from __future__ import annotations

import hashlib
from typing import Any

from assistant.models import Chunk, Classification, User

ACCESS_LEVEL = "access_level"
OPEN_TO_ALL_DEPARTMENTS = "open_to_all_departments"


def department_key(department: str) -> str:
    """Metadata key marking a department's grant (hashed: department names are free Korean text)."""
    return "grant_" + hashlib.sha1(department.encode("utf-8")).hexdigest()[:12]


def access_metadata(chunk: Chunk) -> dict[str, Any]:
    """Flat metadata encoding the chunk's classification and owning departments."""
    restricted_to_departments = chunk.classification == Classification.RESTRICTED and bool(chunk.departments)
    metadata: dict[str, Any] = {
        ACCESS_LEVEL: chunk.classification.level,
        OPEN_TO_ALL_DEPARTMENTS: not restricted_to_departments,
    }
    if restricted_to_departments:
        for department in chunk.departments:
            metadata[department_key(department)] = True
    return metadata


def chroma_filter_for_user(user: User) -> dict[str, Any]:
    """A Chroma `where` clause admitting exactly the chunks `user.may_see` admits."""
    level = {ACCESS_LEVEL: {"$lte": user.clearance.level}}
    grants: list[dict[str, Any]] = [{OPEN_TO_ALL_DEPARTMENTS: {"$eq": True}}]
    if user.department:
        grants.append({department_key(user.department): {"$eq": True}})
    grant = grants[0] if len(grants) == 1 else {"$or": grants}
    return {"$and": [level, grant]}


def visible_to(user: User, chunk: Chunk) -> bool:
    return user.may_see(chunk.classification, chunk.departments)
