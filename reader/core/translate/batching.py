"""Forming translation batches: which pending sentences go together, and how many.

A batch is one `translate_batch` call on one Translator worker (a core). Three things make a job
fast and responsive at once:

- Size: cost per sentence falls steeply up to ~8-12 sentences a batch, then flattens (measured
  on the Transformer-base int8 package of bench/translate_throughput.py: 1 → 2.7x, 4 → 1.4x,
  8 → 1.07x the cost at 16). So a batch holds at least MIN_BATCH_SENTENCES and otherwise stops
  at about BATCH_TARGET_SECONDS of work, so that a new priority or a cancel takes effect soon.
- Grouping: a batch is padded to its longest sentence, so mixing a 5-word heading with a
  60-word clause wastes work (12-17 % on the sample). Outside the prioritised blocks a batch is
  therefore a run of similar lengths from the next LOOKAHEAD_SENTENCES of the document, always
  including the earliest pending sentence, so translation still advances in document order.
- Balance: near the end, a full-size batch would leave one core idle while another finishes.
  The remaining work is split so that every worker ends at about the same time, using a cost
  model fitted to the batches measured so far.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

BATCH_TARGET_SECONDS = 0.5
MIN_BATCH_SENTENCES = 12
# A reader waiting for the top paragraph (top_paragraph_first) gets it in a short batch of its own.
FIRST_BATCH_SENTENCES = 4
UNMEASURED_BATCH_CHARS = 600  # the size limit until a batch has been timed
MAX_BATCH_CHARS = 12_000
MAX_BATCH_SENTENCES = 64
LOOKAHEAD_SENTENCES = 96
SIMILAR_SLACK_CHARS = 10
# A batch costs about as much again as this many sentences, whatever its size: measured on the
# package of bench/translate_throughput.py, a sentence alone costs 2.7x, in a batch of 4 1.4x,
# what it costs in a batch of 16 (c + a·n: c ≈ 1.7a). Without it, the tail would be cut into
# batches of one sentence that each cost nearly what a dozen do.
BATCH_OVERHEAD_SENTENCES = 1.7
COST_MEMORY = 0.7  # weight of the older batches in the cost fit: the CPU's load changes
# Until a batch has been timed, costs are relative: a sentence's own cost counts as much as
# 100 characters of it. Enough to split a short document fairly before anything is measured.
PRIOR_CHARS_PER_SENTENCE = 100


@dataclass
class PendingSentence:
    """A source text still to translate, and every place in the document where it occurs."""

    text: str
    digest: str
    positions: list[tuple[int, int]] = field(default_factory=list)


class PendingWork:
    """Sentences still to translate, by block in document order, each distinct text once."""

    def __init__(self) -> None:
        self.blocks: dict[int, dict[str, PendingSentence]] = {}
        self._by_digest: dict[str, PendingSentence] = {}
        self.sentences = 0  # distinct texts
        self.chars = 0

    def __bool__(self) -> bool:
        return bool(self.blocks)

    def add(self, block_index: int, sentence_index: int, text: str, digest: str) -> None:
        """Add in document order."""
        item = self._by_digest.get(digest)
        if item is None:
            item = self._by_digest[digest] = PendingSentence(text, digest)
            self.sentences += 1
            self.chars += len(text)
        item.positions.append((block_index, sentence_index))
        self.blocks.setdefault(block_index, {})[digest] = item

    def remove(self, items: Iterable[PendingSentence]) -> None:
        for item in items:
            if self._by_digest.pop(item.digest, None) is None:
                continue
            self.sentences -= 1
            self.chars -= len(item.text)
            for block_index, _ in item.positions:
                block = self.blocks.get(block_index)
                if block is not None:
                    block.pop(item.digest, None)
                    if not block:
                        del self.blocks[block_index]

    def has_any(self, block_indexes: Iterable[int]) -> bool:
        return any(index in self.blocks for index in block_indexes)

    def in_order(self, priority: Sequence[int]) -> Iterator[list[PendingSentence]]:
        """Each pending block's sentences: prioritised blocks first, then document order."""
        seen = set()
        for block_index in [*priority, *self.blocks]:
            if block_index in self.blocks and block_index not in seen:
                seen.add(block_index)
                yield list(self.blocks[block_index].values())

    def window(self, size: int) -> list[PendingSentence]:
        """The first `size` distinct pending sentences in document order."""
        found: dict[str, PendingSentence] = {}
        for block in self.blocks.values():
            for item in block.values():
                found.setdefault(item.digest, item)
                if len(found) >= size:
                    return list(found.values())
        return list(found.values())


class CostModel:
    """Predicts a batch's seconds as a·(sentences + BATCH_OVERHEAD_SENTENCES) + b·(padded)
    characters, fitted by least squares to the batches measured so far. Both terms matter:
    decoding work per sentence grows with its length on real models, but every sentence also
    costs steps of its own, and every batch some more. Until the first measurement,
    predictions are in relative units, not seconds."""

    def __init__(self) -> None:
        # Sums for the normal equations, with older batches fading (COST_MEMORY).
        self._nn = self._nc = self._cc = self._ns = self._cs = 0.0
        self._per_sentence = 1.0
        self._per_char = 1.0 / PRIOR_CHARS_PER_SENTENCE
        self.measured = False

    def add(self, sentences: int, chars: int, seconds: float) -> None:
        if sentences <= 0 or seconds <= 0:
            return
        n, c, s = sentences + BATCH_OVERHEAD_SENTENCES, float(chars), seconds
        sums = (self._nn, self._nc, self._cc, self._ns, self._cs)
        decayed = [value * COST_MEMORY for value in sums] if self.measured else [0.0] * 5
        self._nn, self._nc, self._cc, self._ns, self._cs = (
            decayed[0] + n * n,
            decayed[1] + n * c,
            decayed[2] + c * c,
            decayed[3] + n * s,
            decayed[4] + c * s,
        )
        self._per_sentence, self._per_char = self._solve()
        self.measured = True

    def _solve(self) -> tuple[float, float]:
        determinant = self._nn * self._cc - self._nc * self._nc
        if determinant <= 1e-6 * self._nn * self._cc:
            # One kind of batch so far: no way to tell the terms apart; credit each with half.
            return 0.5 * self._ns / self._nn, (0.5 * self._cs / self._cc if self._cc else 0.0)
        per_sentence = (self._ns * self._cc - self._cs * self._nc) / determinant
        per_char = (self._cs * self._nn - self._ns * self._nc) / determinant
        if per_sentence >= 0 and per_char >= 0:
            return per_sentence, per_char
        # Noise pulled one term negative: the other alone explains the measurements best.
        if per_sentence < 0:
            return 0.0, self._cs / self._cc
        return self._ns / self._nn, 0.0

    def seconds(self, sentences: int, chars: int) -> float:
        """A batch's cost, its own overhead included."""
        return self._per_sentence * (sentences + BATCH_OVERHEAD_SENTENCES) + self._per_char * chars

    @property
    def overhead(self) -> float:
        """What one more batch costs beyond its sentences."""
        return self._per_sentence * BATCH_OVERHEAD_SENTENCES


class BatchPlanner:
    """Chooses each next batch from the pending work (see the module's docstring)."""

    def __init__(self, workers: int, *, top_paragraph_first: bool = False) -> None:
        self.workers = max(1, workers)
        self.cost = CostModel()
        self._first = True
        self._top_paragraph_first = top_paragraph_first

    def measured(self, batch: Sequence[PendingSentence], seconds: float) -> None:
        self.cost.add(len(batch), padded_chars(batch), seconds)

    def seconds_left(self, batch: Sequence[PendingSentence], elapsed: float) -> float:
        """How much longer a running batch should take, by the cost model (relative units, and
        taken as just started, until a batch has been measured)."""
        predicted = self.cost.seconds(len(batch), padded_chars(batch))
        return max(0.0, predicted - elapsed) if self.cost.measured else predicted

    def next_batch(
        self, pending: PendingWork, priority: Sequence[int], busy_seconds: float = 0.0
    ) -> list[PendingSentence]:
        """Take the next batch out of `pending`. `busy_seconds`: the work still expected from
        the batches running on the other workers."""
        share = self._fair_share(pending, busy_seconds)
        if (self._first and self._top_paragraph_first) or pending.has_any(priority):
            batch = self._in_order(pending, priority, share)
        else:
            batch = self._grouped(pending, share)
        self._first = False
        pending.remove(batch)
        return batch

    def _fair_share(self, pending: PendingWork, busy_seconds: float) -> float:
        """The cost of this batch if every worker is to finish together."""
        # Every worker that gets a batch pays its overhead: with all of them busy to the end,
        # the remaining work is the pending sentences, one overhead each, and what is running.
        overheads = (self.workers - 1) * self.cost.overhead
        left = self.cost.seconds(pending.sentences, pending.chars) + overheads + busy_seconds
        return left / self.workers

    def _in_order(
        self, pending: PendingWork, priority: Sequence[int], share: float
    ) -> list[PendingSentence]:
        batch: dict[str, PendingSentence] = {}
        longest = 0
        for block in pending.in_order(priority):
            for item in block:
                if item.digest in batch:
                    continue
                if not self._fits(len(batch), longest, item, share):
                    return list(batch.values())
                batch[item.digest] = item
                longest = max(longest, len(item.text))
            if self._first and self._top_paragraph_first and batch:
                break  # the top paragraph alone: on screen as soon as can be
        return list(batch.values())

    def _grouped(self, pending: PendingWork, share: float) -> list[PendingSentence]:
        """A run of similar lengths around the earliest pending sentence."""
        window = pending.window(LOOKAHEAD_SENTENCES)
        earliest = window[0]
        by_length = sorted(window, key=lambda item: len(item.text))
        low = high = by_length.index(earliest)
        while True:
            shorter = by_length[low - 1] if low > 0 else None
            longer = by_length[high + 1] if high + 1 < len(by_length) else None
            if shorter is None and longer is None:
                break
            take_longer = shorter is None or (
                longer is not None
                and len(longer.text) - len(by_length[high].text)
                < len(by_length[low].text) - len(shorter.text)
            )
            candidate = longer if take_longer else shorter
            count = high - low + 1
            if count >= MIN_BATCH_SENTENCES and not _similar(candidate, by_length[low : high + 1]):
                break  # big enough: rather not pad short sentences to long ones, or the reverse
            if not self._fits(count, len(by_length[high].text), candidate, share):
                break
            if take_longer:
                high += 1
            else:
                low -= 1
        return by_length[low : high + 1]

    def _fits(self, count: int, longest: int, item: PendingSentence, share: float) -> bool:
        """Whether `item` may join a batch of `count` sentences, the longest of `longest`
        characters. Sizes count padded characters: a batch is computed at its longest width."""
        if count == 0:
            return True
        padded = (count + 1) * max(longest, len(item.text))
        if count >= MAX_BATCH_SENTENCES or padded > MAX_BATCH_CHARS:
            return False
        # The tail: stop at the fair share, whichever side of it is nearer.
        before = self.cost.seconds(count, count * longest)
        after = self.cost.seconds(count + 1, padded)
        if after - share > share - before:
            return False
        waited_for = self._first and self._top_paragraph_first
        minimum = FIRST_BATCH_SENTENCES if waited_for else MIN_BATCH_SENTENCES
        if count < minimum:
            return True
        if not self.cost.measured:
            return padded <= UNMEASURED_BATCH_CHARS
        return after <= BATCH_TARGET_SECONDS


def _similar(item: PendingSentence, run: Sequence[PendingSentence]) -> bool:
    """Whether `item` is within a factor of two of the lengths in `run` (sorted by length);
    a few characters either way do not count, so very short sentences group together."""
    length = len(item.text) + SIMILAR_SLACK_CHARS
    return length >= len(run[-1].text) / 2 and length / 2 <= len(run[0].text) + SIMILAR_SLACK_CHARS


def padded_chars(batch: Sequence[PendingSentence]) -> int:
    """The characters a batch is computed for: every sentence as wide as the longest."""
    return len(batch) * max((len(item.text) for item in batch), default=0)
