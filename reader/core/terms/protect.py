"""The terms stage around a translation model: what the model receives, and what comes back.

Before the model, a sentence's abbreviations are written out (`Expander`) and each glossary
term found in it is replaced by a placeholder `⟦n⟧`, which models copy through; after, each
placeholder becomes its target term. The output is checked: a sentence that lost or doubled a
placeholder is translated again without protection, and any term whose target is not in the
final translation is reported missing rather than silently dropped.

The stage knows nothing of the engine: `translate` takes any function from texts to texts, so a
local model and a remote server get the same treatment. A cached translation records the text
the model received plus the target terms (`PreparedSentence.cache_text`, hashed as the cache's
`terms_key`), so editing one entry re-translates only the sentences it touches, and an
untouched sentence keeps its old cache row.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader.core.documents.model import Document
from reader.core.terms.abbreviations import Expander
from reader.core.terms.glossary import TermMatcher
from reader.core.translate.cache import source_hash

PLACEHOLDERS = 10  # ⟦0⟧..⟦9⟧: what the models are known to copy
_PLACEHOLDER = re.compile(r"⟦(\d+)⟧")
_KEY_SEPARATOR = "\x1f"  # never in a document's text (control characters are cleaned out)

ModelCall = Callable[[list[str]], list[str]]
Prepared = dict[tuple[int, int], "PreparedSentence"]  # (block, sentence) -> the model's input


@dataclass(frozen=True)
class ProtectedTerm:
    term: str  # as it is in the sentence
    replacement: str  # what the translation must hold instead


@dataclass(frozen=True)
class PreparedSentence:
    source: str  # the document's sentence
    expanded: str  # with abbreviations written out: the model's input without protection
    model_text: str  # `expanded` with placeholders: placeholder n stands for protected[n]
    protected: tuple[ProtectedTerm, ...] = ()
    required: tuple[ProtectedTerm, ...] = ()  # every term found, protected or not

    @property
    def touched(self) -> bool:
        return bool(self.required) or self.model_text != self.source

    @property
    def cache_text(self) -> str:
        """What identifies the model input and the targets (the cache's `terms_key`)."""
        if not self.required:
            return self.model_text
        return _KEY_SEPARATOR.join([self.model_text, *(t.replacement for t in self.required)])


@dataclass(frozen=True)
class FinishedSentence:
    translation: str
    missing: tuple[str, ...] = ()  # source terms whose target the translation lacks


class TermStage:
    def __init__(self, expander: Expander | None = None, matcher: TermMatcher | None = None):
        matcher = matcher or TermMatcher(())
        expansions = {} if expander is None else expander.expansions
        # An abbreviation that is itself a glossary term is left to the glossary.
        self.expander = Expander(
            {short: long for short, long in expansions.items() if not matcher.matches_whole(short)}
        )
        self.matcher = matcher

    def __bool__(self) -> bool:
        return bool(self.expander) or bool(self.matcher)

    def touches(self, text: str) -> bool:
        """Whether the stage changes anything in `text` (a whole block: one scan for all of
        its sentences, most of which it leaves alone)."""
        return bool(self.expander.used_in(text)) or bool(self.matcher.find(text))

    def prepare(self, sentence: str) -> PreparedSentence:
        expanded = self.expander.expand(sentence) if self.expander else sentence
        matches = self.matcher.find(expanded) if self.matcher else []
        if not matches:
            return PreparedSentence(sentence, expanded, expanded)
        pieces, protected, required, end = [], [], [], 0
        for match in matches:
            term = ProtectedTerm(expanded[match.start : match.end], match.entry.replacement)
            required.append(term)
            if len(protected) < PLACEHOLDERS:
                pieces += [expanded[end : match.start], f"⟦{len(protected)}⟧"]
                protected.append(term)
                end = match.end
        pieces.append(expanded[end:])
        return PreparedSentence(
            sentence, expanded, "".join(pieces), tuple(protected), tuple(required)
        )


def prepare_sentences(stage: TermStage, document: Document) -> Prepared:
    """What the model receives for each sentence it translates."""
    prepared: Prepared = {}
    for block in document.blocks:
        if not block.translate:
            continue
        touched = stage.touches(block.text)
        for sentence in block.sentences:
            text = sentence.text
            prepared[(block.index, sentence.index)] = (
                stage.prepare(text) if touched else PreparedSentence(text, text, text)
            )
    return prepared


def terms_key(item: PreparedSentence) -> str | None:
    """Which model input a cached translation is of (None: the sentence as it is)."""
    return source_hash(item.cache_text) if item.touched else None


def translate(sentences: Sequence[PreparedSentence], model: ModelCall) -> list[FinishedSentence]:
    """Translate prepared sentences with `model` (one call, and a second for those whose
    protection failed)."""
    outputs = model([sentence.model_text for sentence in sentences])
    finished = [_restore(s, output) for s, output in zip(sentences, outputs, strict=True)]
    failed = [i for i, result in enumerate(finished) if result is None]
    if failed:
        retried = model([sentences[i].expanded for i in failed])
        for i, output in zip(failed, retried, strict=True):
            finished[i] = FinishedSentence(output, missing_terms(sentences[i], output))
    return finished


def _restore(sentence: PreparedSentence, output: str) -> FinishedSentence | None:
    """The output with its placeholders replaced by the target terms; None if the model lost,
    doubled or made up a placeholder."""
    if not sentence.protected:
        return FinishedSentence(output, missing_terms(sentence, output))
    found = sorted(int(number) for number in _PLACEHOLDER.findall(output))
    if found != list(range(len(sentence.protected))):
        return None
    restored = _PLACEHOLDER.sub(lambda m: sentence.protected[int(m.group(1))].replacement, output)
    return FinishedSentence(restored, missing_terms(sentence, restored))


def missing_terms(sentence: PreparedSentence, translation: str) -> tuple[str, ...]:
    """The sentence's terms whose target the translation does not hold (case aside) as often
    as the sentence has the term."""
    held = translation.casefold()
    wanted = Counter(term.replacement.casefold() for term in sentence.required)
    missing = [
        term.term
        for term in sentence.required
        if held.count(term.replacement.casefold()) < wanted[term.replacement.casefold()]
    ]
    return tuple(dict.fromkeys(missing))
