"""Batch planning: pending work, the cost model, and how batches are chosen and balanced.

The planner is plain Python; these tests drive it with simulated workers whose batch cost
follows a known formula, so that balance and grouping are checked exactly. The real engine is
exercised through it in test_service.py.
"""

from __future__ import annotations

import heapq
import random

import pytest

from reader.core.translate.batching import (
    BATCH_OVERHEAD_SENTENCES,
    FIRST_BATCH_SENTENCES,
    MAX_BATCH_SENTENCES,
    MIN_BATCH_SENTENCES,
    BatchPlanner,
    CostModel,
    PendingSentence,
    PendingWork,
)


def pending_from(blocks: list[list[str]]) -> PendingWork:
    pending = PendingWork()
    for block_index, sentences in enumerate(blocks):
        for sentence_index, text in enumerate(sentences):
            pending.add(block_index, sentence_index, text, digest=text)
    return pending


def random_blocks(seed: int, count: int) -> list[list[str]]:
    """Paragraphs of 1-4 sentences of 3 to 400 characters, all distinct."""
    generator = random.Random(seed)
    blocks, number = [], 0
    for _ in range(count):
        block = []
        for _ in range(generator.randint(1, 4)):
            number += 1
            block.append(f"{number} " + "x" * generator.randint(3, 400))
        blocks.append(block)
    return blocks


def true_cost(batch: list[PendingSentence]) -> float:
    """What a batch 'takes' in the simulation: per batch, per sentence, per padded character."""
    longest = max(len(item.text) for item in batch)
    return 0.08 + 0.05 * len(batch) + 0.0004 * longest * len(batch)


def simulate(planner: BatchPlanner, pending: PendingWork) -> tuple[float, list[list[str]]]:
    """Run the plan on `planner.workers` simulated workers; (makespan, batches in order)."""
    clock, batches = 0.0, []
    running: list[tuple[float, int, list[PendingSentence], float]] = []  # (end, id, batch, start)
    while pending or running:
        while pending and len(running) < planner.workers:
            busy = sum(planner.seconds_left(batch, clock - start) for _, _, batch, start in running)
            batch = planner.next_batch(pending, (), busy)
            batches.append([item.text for item in batch])
            heapq.heappush(running, (clock + true_cost(batch), len(batches), batch, clock))
        clock, _, batch, start = heapq.heappop(running)
        planner.measured(batch, clock - start)
    return clock, batches


# --- pending work -------------------------------------------------------------------------------


def test_pending_work_counts_each_distinct_text_once() -> None:
    pending = pending_from([["Một.", "Hai."], ["Một.", "Ba ba."]])
    assert (pending.sentences, pending.chars) == (3, 4 + 4 + 6)
    first = pending.blocks[0]["Một."]
    assert first is pending.blocks[1]["Một."] and first.positions == [(0, 0), (1, 0)]

    pending.remove([first])
    assert (pending.sentences, pending.chars) == (2, 10)
    assert list(pending.blocks) == [0, 1] and "Một." not in pending.blocks[1]
    pending.remove([first])  # removing twice changes nothing
    assert pending.sentences == 2
    pending.remove(list(pending.blocks[1].values()) + list(pending.blocks[0].values()))
    assert not pending and pending.sentences == 0 and pending.chars == 0


def test_pending_work_orders_priority_first_then_document() -> None:
    pending = pending_from([["a."], ["b."], ["c."], ["d."]])
    order = [[item.text for item in block] for block in pending.in_order([2, 9, 0, 2])]
    assert order == [["c."], ["a."], ["b."], ["d."]]
    assert [item.text for item in pending.window(3)] == ["a.", "b.", "c."]
    assert pending.has_any([7, 3]) and not pending.has_any([7])


# --- cost model ---------------------------------------------------------------------------------


def test_cost_model_recovers_both_terms() -> None:
    def cost(sentences: int, chars: int) -> float:  # as the model assumes
        return 0.1 * (sentences + BATCH_OVERHEAD_SENTENCES) + 0.002 * chars

    model = CostModel()
    for sentences, chars in [(12, 600), (12, 3000), (20, 900), (6, 2400)]:
        model.add(sentences, chars, cost(sentences, chars))
    assert model.seconds(10, 1000) == pytest.approx(cost(10, 1000), rel=1e-6)
    assert model.overhead == pytest.approx(0.1 * BATCH_OVERHEAD_SENTENCES, rel=1e-6)


def test_cost_model_with_one_kind_of_batch_scales_with_it() -> None:
    model = CostModel()
    assert not model.measured
    model.add(10, 500, 2.0)
    assert model.measured
    assert model.seconds(10, 500) == pytest.approx(2.0)
    assert model.seconds(20, 1000) == pytest.approx(4.0 - model.overhead)  # one overhead, not two
    assert 0 < model.seconds(5, 250) < 1.2


def test_cost_model_never_predicts_negative_costs() -> None:
    model = CostModel()
    # Noisy measurements where a free fit would give a negative per-sentence cost.
    model.add(10, 100, 0.5)
    model.add(12, 2000, 9.0)
    model.add(30, 300, 0.8)
    for sentences, chars in [(1, 1), (1, 5000), (64, 10)]:
        assert model.seconds(sentences, chars) >= 0


def test_cost_model_ignores_empty_measurements() -> None:
    model = CostModel()
    model.add(0, 0, 1.0)
    model.add(3, 30, 0.0)
    assert not model.measured


# --- choosing batches ---------------------------------------------------------------------------


def test_first_batch_is_the_top_paragraph_alone_when_asked() -> None:
    pending = pending_from([["a" * 40] * 1, ["b" * 40, "c" * 40], ["d" * 40]])
    planner = BatchPlanner(2, top_paragraph_first=True)
    assert [item.text for item in planner.next_batch(pending, [1, 2])] == ["b" * 40, "c" * 40]
    assert pending.sentences == 2


def test_first_batch_otherwise_spans_paragraphs_up_to_its_limits() -> None:
    pending = pending_from([[f"{b}.{n} short." for n in range(3)] for b in range(10)])
    planner = BatchPlanner(2)
    batch = planner.next_batch(pending, [4])
    assert len(batch) > FIRST_BATCH_SENTENCES
    assert batch[0].positions[0] == (4, 0)  # the priority comes first


def test_later_batches_hold_at_least_the_minimum() -> None:
    pending = pending_from(random_blocks(3, 60))
    planner = BatchPlanner(2)
    planner.next_batch(pending, ())
    planner.measured([PendingSentence("x" * 100, "m")], 5.0)  # slow: budget of one sentence
    batch = planner.next_batch(pending, ())
    assert len(batch) == MIN_BATCH_SENTENCES


def test_fast_batches_grow_to_the_time_budget_but_not_beyond_the_maximum() -> None:
    pending = pending_from([[f"{n} câu ngắn."] for n in range(300)])
    planner = BatchPlanner(2)
    planner.next_batch(pending, ())
    planner.measured([PendingSentence("x" * 10, "m")] * 10, 0.001)  # very fast
    assert len(planner.next_batch(pending, ())) == MAX_BATCH_SENTENCES


def padding(batches: list[list[int]]) -> int:
    """Characters of padding when each batch is padded to its longest sentence."""
    return sum(max(lengths) * len(lengths) - sum(lengths) for lengths in batches)


def test_grouped_batches_take_the_earliest_and_similar_lengths() -> None:
    blocks = [[f"{n:02} " + "s" * 5, f"{n:02} " + "l" * 300] for n in range(60)]
    pending = pending_from(blocks)
    planner = BatchPlanner(1)
    planner.next_batch(pending, ())  # the first batch: document order
    planner.measured([PendingSentence("x" * 150, "m")] * 12, 0.6)
    grouped = []
    while pending:
        earliest = pending.window(1)[0]
        batch = planner.next_batch(pending, ())
        assert earliest in batch  # translation advances in document order
        grouped.append([len(item.text) for item in batch])
    lengths = [length for batch in grouped for length in batch]
    in_document_order, start = [], 0
    document_lengths = [len(text) for block in blocks for text in block][-len(lengths) :]
    for batch in grouped:
        in_document_order.append(document_lengths[start : start + len(batch)])
        start += len(batch)
    assert padding(grouped) < padding(in_document_order) / 4


def test_priority_wins_over_grouping() -> None:
    pending = pending_from([["a" * 10], ["b" * 300], ["c" * 10]])
    planner = BatchPlanner(1)
    planner.next_batch(pending, ())  # (the whole small document: nothing left to group)
    pending = pending_from([[f"{n} " + "a" * 10] for n in range(30)] + [["z" * 300]])
    planner.measured([PendingSentence("x" * 10, "m")] * 12, 0.1)
    batch = planner.next_batch(pending, [30])
    assert batch[0].text == "z" * 300


@pytest.mark.parametrize("seed", range(6))
def test_two_workers_finish_together(seed: int) -> None:
    blocks = random_blocks(seed, 25)
    makespan, batches = simulate(BatchPlanner(2), pending_from(blocks))
    assert sorted(text for batch in batches for text in batch) == sorted(
        text for block in blocks for text in block
    )
    # Compare with the same batches run as one length-sorted plan can at best: all the work
    # shared evenly. Without tail balancing the last batch alone leaves a core idle (~15-30 %).
    work = sum(true_cost([PendingSentence(text, text) for text in batch]) for batch in batches)
    assert makespan <= 1.08 * work / 2


def test_balancing_beats_fixed_size_batches() -> None:
    """The same documents planned with the fair share switched off take longer, overall (one
    document may come out slightly either way: the plan differs from the first batch on)."""

    class Unbalanced(BatchPlanner):
        def _fair_share(self, pending, busy_seconds):
            return float("inf")

    documents = [random_blocks(seed, 12) for seed in range(8)]
    balanced = sum(simulate(BatchPlanner(2), pending_from(blocks))[0] for blocks in documents)
    unbalanced = sum(simulate(Unbalanced(2), pending_from(blocks))[0] for blocks in documents)
    assert balanced < 0.93 * unbalanced
