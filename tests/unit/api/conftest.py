"""The stack the API tests serve: the small corpus of every classification and one curated table
(so /api/sql has something to query)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def stack(tmp_path_factory, corpus_stack_builder):
    built = corpus_stack_builder(tmp_path_factory.mktemp("api"))
    yield built
    built.warehouse.close()
