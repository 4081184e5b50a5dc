"""The model composer: a chat model writes the answer from numbered sources; every sentence is checked.

The extractive composer decides first whether the sources answer the question at all (and how
well: its evidence sets the confidence). Only then is the model asked, with the passages (minus
any sentence that addresses an AI) and a model-written query's rows as numbered sources. The reply
streams sentence by sentence; each sentence is released only when

- it cites at least one of the given sources,
- its figures are grounded in the sources it cites (assistant/grounding.py), and
- most of its words come from those sources or from the question (a paraphrase, not a new claim).

A sentence that fails is dropped and the answer is marked (notes) and downgraded to confidence
low. When nothing passes, when the model finds no answer, or when it fails or times out, the
extractive answer is given instead, and the notes say why. A statistic the parser computed keeps
its generated sentence: it states exactly what was computed, which a rewording could blur.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from assistant.citations import CITATION_MARK, split_sentences
from assistant.compose import Composition, ExtractiveComposer, StatisticsPart, TextSink, citation_for
from assistant.grounding import source_values, ungrounded_figures, without_instructions
from assistant.llm import reply_text
from assistant.models import Citation, Passage
from assistant.prompts import load_prompt
from assistant.retrieval import QueryTerms
from assistant.tokens import is_korean, search_tokens

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)

NOT_IN_SOURCES = "NOT_IN_SOURCES"
ROWS_IN_PROMPT = 20
PASSAGE_CHARS = 1500  # of each passage in the prompt: a chunk is at most ~900, a table card more
# A sentence must take at least this share of its words from its sources or the question.
MIN_SUPPORT = 0.6


class _Sources:
    """The numbered sources as the model sees them, with what each grounds."""

    def __init__(self, question: str, passages: list[Passage], statistics: StatisticsPart | None) -> None:
        self.question_tokens = set(search_tokens(question))
        # Each source's figures and words, read once for all the sentences that cite it.
        self._values: dict[int, set[float]] = {}
        self._tokens: dict[int, set[str]] = {}
        self.provided: dict[int, Citation] = {}
        self.text: dict[int, str] = {}
        self.rows: dict[int, list[list[object]]] = {}
        self.had_instructions = False
        if statistics is not None and statistics.sql is not None:
            result = statistics.sql
            listing = "\n".join(
                [" | ".join(result.columns)]
                + [" | ".join(map(str, row)) for row in result.rows[:ROWS_IN_PROMPT]]
            )
            for citation in statistics.citations:
                self.provided[citation.n] = citation
                self.text[citation.n] = f"{citation.title}\nSQL result:\n{listing}"
                self.rows[citation.n] = result.rows
        for passage in passages:
            n = len(self.provided) + 1
            text, redacted = without_instructions(passage.chunk.text[:PASSAGE_CHARS])
            self.had_instructions |= redacted
            self.provided[n] = citation_for(passage, n)
            self.text[n] = f"{passage.chunk.title} {passage.chunk.locator}\n{text}"

    def prompt_block(self) -> str:
        return "\n\n".join(f"[{n}] {text}" for n, text in self.text.items())

    def problem_with(self, sentence: str) -> str | None:
        """Why `sentence` may not be given as an answer from the sources it cites, or None."""
        cited = {int(n) for n in CITATION_MARK.findall(sentence)} & self.provided.keys()
        if not cited:
            return "no citation of a source given"  # no source, no answer: a sentence too
        values = sorted(set().union(*(self._values_of(n) for n in cited)))
        invented = ungrounded_figures(sentence, values)
        if invented:
            return "figures not in its sources: " + ", ".join(invented)
        words = set(search_tokens(CITATION_MARK.sub(" ", sentence)))
        if not words:
            return "no words besides the citation"  # a bare "[1]" cites, but says nothing
        known = self.question_tokens.union(*(self._tokens_of(n) for n in cited))
        if len(words & known) / len(words) < MIN_SUPPORT:
            return "words not in its sources: " + ", ".join(sorted(words - known)[:5])
        return None

    def _values_of(self, n: int) -> set[float]:
        if n not in self._values:
            self._values[n] = set(source_values([self.text[n]], self.rows.get(n, [])))
        return self._values[n]

    def _tokens_of(self, n: int) -> set[str]:
        if n not in self._tokens:
            self._tokens[n] = set(search_tokens(self.text[n]))
        return self._tokens[n]


class LLMComposer:
    def __init__(self, chat_model: BaseChatModel, fallback: ExtractiveComposer | None = None) -> None:
        self.chat_model = chat_model
        self.fallback = fallback or ExtractiveComposer()
        self.prompt = load_prompt("answer_composition")

    def compose(
        self,
        question: str,
        passages: list[Passage],
        terms: QueryTerms,
        statistics: StatisticsPart | None,
        on_text: TextSink | None = None,
    ) -> Composition:
        extract = self.fallback.compose(question, passages, terms, statistics)
        if not extract.provided or (statistics is not None and not statistics.written_by_model):
            return extract  # nothing answers it, or a computed statistic that states itself exactly
        sources = _Sources(question, passages, statistics)
        prompt = self.prompt.render(
            language="Korean" if is_korean(question) else "English",
            question=question,
            sources=sources.prompt_block(),
        )
        accepted: list[str] = []
        rejected: list[str] = []

        def consider(sentence: str) -> None:
            problem = sources.problem_with(sentence)
            if problem:
                logger.info("model sentence dropped (%s): %r", problem, sentence[:300])
                rejected.append(problem)
                return
            if on_text is not None:
                on_text(sentence if not accepted else " " + sentence)
            accepted.append(sentence)

        try:
            reply = self._stream(prompt, consider)
        except Exception as error:  # timeouts, connection errors, …: this request goes offline
            logger.warning("chat model failed while composing: %s: %s", type(error).__name__, error)
            if not accepted:
                extract.notes.append(
                    f"the language model failed ({type(error).__name__}): "
                    "the answer is quoted from the sources"
                )
                return extract
            reply = ""
            rejected.append(f"the reply was cut off ({type(error).__name__})")
        notes = (
            ["a source contained instructions to the assistant; they were ignored"]
            if sources.had_instructions
            else []
        )
        if not accepted:
            if _refuses(reply):
                why = "the language model found no answer in the sources"
            elif rejected:
                reasons = "; ".join(dict.fromkeys(problem.partition(":")[0] for problem in rejected))
                why = f"no sentence of the language model's answer was supported by the sources ({reasons})"
            else:
                why = "the language model's reply was empty"
            extract.notes += notes + [f"{why}: the answer is quoted from the sources"]
            # A model that finds no answer where the extract found one reads the sources otherwise:
            # which is right is a guess. Sentences that failed the checks say nothing of the extract.
            extract.downgraded = _refuses(reply)
            extract.prompt = self.prompt.label
            return extract
        notes += [f"removed a sentence of the language model's answer: {problem}" for problem in rejected]
        # The extract's evidence (coverage, answer type, margin) vouches for its leading source; an
        # answer that does not cite that source has none of it.
        numbers = {int(n) for n in CITATION_MARK.findall(" ".join(accepted))} & sources.provided.keys()
        cited = {sources.provided[n].source_id for n in numbers}
        lead = extract.provided.get(1)
        elsewhere = lead is not None and lead.source_id not in cited
        if elsewhere:
            notes.append("the language model answered from other sources than the best-matching passage")
        return Composition(
            text=" ".join(accepted),
            provided=sources.provided,
            lead_coverage=extract.lead_coverage,
            answer_type_met=extract.answer_type_met,
            lead_margin=extract.lead_margin,
            notes=notes,
            downgraded=bool(rejected) or elsewhere,
            prompt=self.prompt.label,
        )

    def _stream(self, prompt: str, consider: TextSink) -> str:
        """Stream the reply, handing each complete sentence to `consider`; return the whole reply."""
        from langchain_core.messages import HumanMessage  # loaded with a chat model only (cold start)

        reply = ""
        done = 0  # characters of `reply` already handed on
        for chunk in self.chat_model.stream([HumanMessage(content=prompt)]):
            reply += reply_text(chunk.content)
            if _refuses(reply):
                continue  # the refusal word (or its beginning): nothing to hand on
            pending = split_sentences(reply[done:])
            # A sentence is complete once the next one has begun (its markers may still be coming).
            for sentence in pending[:-1]:
                consider(sentence)
                done = reply.index(sentence, done) + len(sentence)
        if not _refuses(reply):
            for sentence in split_sentences(reply[done:]):
                consider(sentence)
        return reply


def _refuses(reply: str) -> bool:
    head = reply.strip()
    return bool(head) and (NOT_IN_SOURCES.startswith(head) or head.startswith(NOT_IN_SOURCES))
