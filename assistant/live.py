"""Serve each newly published generation of the stores without a restart (assistant/store_layout.py).

A thread reads CURRENT every few seconds. When it names a generation other than the one served, that
generation's stores are opened and warmed (BM25 matrix, statistics layer) while the old one goes on
answering; then the assistant and the source catalog switch with one assignment each. Answers begun
before finish on the generation they took (`Corpus`), and the old stores are closed a while later.
A generation that cannot be opened is logged and tried again at the next check: the old one answers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from assistant.config import Settings
from assistant.factory import Stores, open_stores, warm_up_corpus
from assistant.pipeline import Assistant, Corpus
from assistant.sources import SourceCatalog
from assistant.store_layout import StoreLayout

logger = logging.getLogger(__name__)

# How long replaced stores stay open: longer than any answer takes (the SQL and model time limits).
RETIRE_AFTER_S = 120.0


class GenerationWatcher:
    def __init__(
        self,
        settings: Settings,
        assistant: Assistant,
        sources: SourceCatalog,
        build_corpus: Callable[[Stores], Corpus],
        *,
        serving: str,
        interval_s: float = 2.0,
        on_switch: Callable[[str], None] | None = None,
    ) -> None:
        """`serving`: the generation `assistant` answers from now (its name in CURRENT, "" for a
        home's unversioned stores); `on_switch` hears each new generation's name."""
        self.settings = settings
        self.layout = StoreLayout(settings.home)
        self.assistant = assistant
        self.sources = sources
        self.build_corpus = build_corpus
        self.serving = serving
        self.interval_s = interval_s
        self.on_switch = on_switch
        self._retired: list[tuple[float, Stores]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        """Switch to the published generation if it is not the one served; True when switched."""
        self._close_retired()
        name = self.layout.current_name()
        if name == self.serving:
            return False
        started = time.perf_counter()
        stores = open_stores(self.settings, self.layout.paths_of(name))
        try:
            corpus = self.build_corpus(stores)
            warm_up_corpus(corpus)
        except Exception:
            stores.close()
            raise
        replaced = self.assistant.corpus
        self.assistant.switch_corpus(corpus)
        self.sources.keyword_index = stores.keyword_index
        self._retire(replaced)
        previous, self.serving = self.serving, name
        logger.info(
            "serving generation %s (was %s): %d chunks, ready in %.1f s",
            name,
            previous or "unversioned",
            len(stores.keyword_index),
            time.perf_counter() - started,
        )
        if self.on_switch is not None:
            self.on_switch(name)
        return True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="cityqa-generations", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check()
            except Exception:  # the served generation keeps answering; tried again at the next check
                logger.exception("could not switch to generation %s", self.layout.current_name())

    def _retire(self, corpus: Corpus) -> None:
        retriever = corpus.retriever
        warehouse = getattr(corpus.statistics, "warehouse", None)
        if warehouse is None:
            return
        old = Stores(retriever.vector_store, retriever.keyword_index, warehouse)
        self._retired.append((time.monotonic(), old))

    def _close_retired(self) -> None:
        now = time.monotonic()
        keep: list[tuple[float, Stores]] = []
        for retired_at, stores in self._retired:
            if now - retired_at >= RETIRE_AFTER_S:
                stores.close()
            else:
                keep.append((retired_at, stores))
        self._retired = keep
