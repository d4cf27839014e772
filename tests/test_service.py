"""TranslationService and TranslationJob with the real engine on tiny real Argos packages."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reader.core.documents import Document, load_document
from reader.core.errors import ReaderError
from reader.core.storage import open_database
from reader.core.translate.engine import TranslationEngine
from reader.core.translate.packages import install_package_file
from reader.core.translate.service import TranslatedSentence, TranslationService
from tests.argos_fixture import build_argos_package

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "samples" / "bvctnb-2023.vi.txt"
PHRASE = "công tác bảo vệ chính trị nội bộ Đảng năm nhiệm vụ cán bộ đảng viên tổ chức"
WORDS = PHRASE.split()


def numbered_paragraphs(count: int) -> list[str]:
    """Distinct Vietnamese-looking paragraphs of two sentences each."""
    paragraphs = []
    for i in range(count):
        words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(6 + i % 5))
        paragraphs.append(f"Đoạn số {i} nói về {words}. Câu thứ hai của đoạn {i} kết thúc ở đây.")
    return paragraphs


def write_document(directory: Path, paragraphs: list[str], name: str = "doc.txt") -> Document:
    path = directory / name
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return load_document(path, language="vi")


class Recorder:
    """Collects what a job delivers, batch by batch."""

    def __init__(self) -> None:
        self.batches: list[list[TranslatedSentence]] = []
        self.progress: list[tuple[int, int]] = []

    def on_sentences(self, sentences: list[TranslatedSentence]) -> None:
        self.batches.append(sentences)

    def on_progress(self, done: int, total: int) -> None:
        self.progress.append((done, total))

    @property
    def sentences(self) -> dict[tuple[int, int], TranslatedSentence]:
        return {(s.block_index, s.sentence_index): s for batch in self.batches for s in batch}


def run_job(service: TranslationService, document: Document, route, **options):
    recorder = Recorder()
    job = service.create_job(
        document,
        route,
        on_sentences=recorder.on_sentences,
        on_progress=recorder.on_progress,
        **options,
    )
    return job, job.run(), recorder


@pytest.fixture
def service() -> TranslationService:
    return TranslationService(open_database())


@pytest.fixture
def sample() -> Document:
    return load_document(SAMPLE, language="vi")


def test_every_sentence_gets_one_aligned_translation(service, installed_vi_en, sample) -> None:
    route = service.route("vi", "en")
    _, _, recorder = run_job(service, sample, route)
    delivered = [s for batch in recorder.batches for s in batch]
    assert len(delivered) == sample.sentence_count == len(recorder.sentences)
    for block, sentence in sample.iter_sentences():
        result = recorder.sentences[(block.index, sentence.index)]
        assert result.source == sentence.text == block.text[sentence.start : sentence.end]
        assert result.translation and not result.cached and not result.edited
    # The model receives each sentence with its abbreviations written out (reader.core.terms).
    stage = service.terms_stage(sample, route)
    model_inputs = [stage.prepare(result.source).model_text for result in delivered]
    expected = TranslationEngine().translate(route.models, model_inputs)
    assert [result.translation for result in delivered] == expected


def test_stats_and_progress_count_sentences_and_calls(service, installed_vi_en, sample) -> None:
    _, stats, recorder = run_job(service, sample, service.route("vi", "en"))
    assert stats.sentences == stats.translated == sample.sentence_count
    assert stats.cached == 0 and not stats.cancelled
    assert stats.model_calls == service.engine.stats.model_calls >= 1
    assert stats.first_batch_seconds is not None and 0 < stats.first_batch_seconds <= stats.seconds
    dones = [done for done, _ in recorder.progress]
    assert dones == sorted(dones) and recorder.progress[-1] == (sample.sentence_count,) * 2


def test_reopened_document_makes_zero_model_calls(service, installed_vi_en, sample) -> None:
    route = service.route("vi", "en")
    _, _, first = run_job(service, sample, route)

    reopened_service = TranslationService(open_database())
    reopened = load_document(SAMPLE, language="vi")
    _, stats, second = run_job(reopened_service, reopened, reopened_service.route("vi", "en"))

    assert reopened_service.engine.stats.model_calls == 0
    assert stats.model_calls == 0 and stats.cached == reopened.sentence_count
    assert all(result.cached for result in second.sentences.values())
    translations = {key: result.translation for key, result in first.sentences.items()}
    assert {key: result.translation for key, result in second.sentences.items()} == translations
    assert reopened_service.cached_translations(reopened, route).keys() == translations.keys()


def test_identical_sentences_are_translated_once(service, installed_vi_en, tmp_path) -> None:
    document = write_document(tmp_path, ["Xin chào các bạn.", "Xin chào các bạn.", "Tạm biệt."])
    _, stats, recorder = run_job(service, document, service.route("vi", "en"))
    assert service.engine.stats.sentences == 2  # distinct sources sent to the model
    assert stats.translated == 3
    assert recorder.sentences[(0, 0)].translation == recorder.sentences[(1, 0)].translation


def test_cancel_stops_early_keeps_results_and_resume_continues(
    service, installed_vi_en, tmp_path
) -> None:
    document = write_document(tmp_path, numbered_paragraphs(40))
    route = service.route("vi", "en")
    recorder = Recorder()
    job = service.create_job(document, route, on_sentences=recorder.on_sentences)

    def cancel_after_first_batch(sentences: list[TranslatedSentence]) -> None:
        recorder.on_sentences(sentences)
        job.cancel()

    job._on_sentences = cancel_after_first_batch  # cancel from inside the run, as a UI would
    stats = job.run()
    assert stats.cancelled and len(recorder.batches) == 1  # nothing delivered after cancel
    assert 0 < stats.translated < document.sentence_count
    cached = service.cached_translations(document, route)
    assert cached.keys() >= recorder.sentences.keys()  # batches already running were kept too
    assert len(cached) < document.sentence_count

    _, resumed, rest = run_job(TranslationService(open_database()), document, route)
    assert resumed.cached == len(cached)
    assert resumed.translated == document.sentence_count - len(cached)
    assert len(rest.sentences) == document.sentence_count and not resumed.cancelled
    assert rest.batches[0] == [
        TranslatedSentence(*key, s.source, s.translation, cached=True, edited=False)
        for key, s in sorted(cached.items())
    ]


def test_cancel_from_another_thread_returns_soon(service, installed_vi_en, tmp_path) -> None:
    document = write_document(tmp_path, numbered_paragraphs(60))
    first_batch = threading.Event()
    job = service.create_job(
        document, service.route("vi", "en"), on_sentences=lambda _: first_batch.set()
    )
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.setdefault("stats", job.run()))
    runner.start()
    assert first_batch.wait(60)
    job.cancel()
    runner.join(30)
    assert not runner.is_alive()
    assert outcome["stats"].translated < document.sentence_count


def record_formed_batches(job) -> list[set[tuple[int, int]]]:
    """The positions of each batch the job forms, in the order it forms them (batches are
    delivered as they finish, which two workers may do in either order)."""
    formed: list[set[tuple[int, int]]] = []
    next_batch = job._planner.next_batch

    def recording(*args, **kwargs):
        batch = next_batch(*args, **kwargs)
        formed.append({position for item in batch for position in item.positions})
        return batch

    job._planner.next_batch = recording
    return formed


def first_batch_with(formed: list[set[tuple[int, int]]], block_index: int) -> int:
    return next(
        number
        for number, batch in enumerate(formed)
        if any(position[0] == block_index for position in batch)
    )


def test_prioritised_blocks_are_translated_first(service, installed_vi_en, tmp_path) -> None:
    document = write_document(tmp_path, numbered_paragraphs(40))
    recorder = Recorder()
    job = service.create_job(
        document,
        service.route("vi", "en"),
        on_sentences=recorder.on_sentences,
        top_paragraph_first=True,
    )
    job.prioritise([30, 31])
    formed = record_formed_batches(job)
    formed_after: list[int] = []  # how many batches had been delivered when each was formed
    next_batch = job._planner.next_batch

    def counting(*args, **kwargs):
        formed_after.append(len(recorder.batches))
        return next_batch(*args, **kwargs)

    job._planner.next_batch = counting

    def follow_the_reader(sentences: list[TranslatedSentence]) -> None:
        recorder.on_sentences(sentences)
        if len(recorder.batches) == 1:
            job.prioritise([25, 31])  # the reader scrolled up meanwhile

    job._on_sentences = follow_the_reader
    job.run()
    assert formed[0] == {(30, 0), (30, 1)}  # the top paragraph on screen, alone: shown soonest
    assert formed_after[:2] == [0, 1]  # ...and nothing else ran beside it
    assert formed[1] >= {(25, 0), (25, 1), (31, 0), (31, 1)}  # the new priorities at once
    # Then everything else in document order, from the start.
    assert (0, 0) in formed[1] or (0, 0) in formed[2]
    assert len(recorder.sentences) == document.sentence_count


def test_a_priority_change_applies_to_the_next_batch_formed(
    service, installed_vi_en, tmp_path
) -> None:
    document = write_document(tmp_path, numbered_paragraphs(40))
    job = service.create_job(document, service.route("vi", "en"), on_sentences=lambda _: None)
    job.prioritise([30])
    formed = record_formed_batches(job)
    next_batch = job._planner.next_batch

    def scrolling(*args, **kwargs):
        batch = next_batch(*args, **kwargs)
        if len(formed) == 1:
            job.prioritise([12])  # the reader moved while the batches ran
        return batch

    job._planner.next_batch = scrolling
    job.run()
    assert any(position[0] == 30 for position in formed[0])
    later = [batch for batch in formed[1:] if any(position[0] == 12 for position in batch)]
    assert formed.index(later[0]) <= 2  # formed right away (one more may already be queued)
    # ...and before the blocks that document order would have given next.
    skipped = min({position[0] for batch in formed[2:] for position in batch} - {12})
    assert first_batch_with(formed, 12) <= first_batch_with(formed, skipped)


def test_without_priorities_every_batch_takes_the_earliest_pending_sentence(
    service, installed_vi_en, tmp_path
) -> None:
    document = write_document(tmp_path, numbered_paragraphs(40))
    service.engine.parallel_batches = 1  # one worker: batches are delivered as they are formed
    _, _, recorder = run_job(service, document, service.route("vi", "en"))
    assert len(recorder.batches) >= 3
    untranslated = sorted((b.index, s.index) for b, s in document.iter_sentences())
    for batch in recorder.batches:
        positions = {(s.block_index, s.sentence_index) for s in batch}
        assert untranslated[0] in positions  # translation advances in document order
        untranslated = [position for position in untranslated if position not in positions]
    assert untranslated == []


def padding(batches: list[list[int]]) -> int:
    """Characters of padding when each batch is padded to its longest sentence."""
    return sum(max(lengths) * len(lengths) - sum(lengths) for lengths in batches)


def test_batches_group_sentences_of_similar_length(service, installed_vi_en, tmp_path) -> None:
    short, long = "Năm {i}.", "Đoạn văn dài số {i} " + " ".join(WORDS * 2) + "."
    paragraphs = [f"{short.format(i=i)} {long.format(i=i)}" for i in range(100)]
    document = write_document(tmp_path, paragraphs)
    service.engine.parallel_batches = 1  # one worker: batches are delivered as they are formed
    _, _, recorder = run_job(service, document, service.route("vi", "en"))
    ours = [[len(s.source) for s in batch] for batch in recorder.batches]
    in_document_order, start = [], 0
    lengths = [len(s.text) for _, s in document.iter_sentences()]
    for batch in ours:
        in_document_order.append(lengths[start : start + len(batch)])
        start += len(batch)
    assert len(ours) >= 3
    assert padding(ours) < padding(in_document_order) / 2


def test_pivot_through_english(service, installed_vi_en, installed_en_fr, tmp_path) -> None:
    route = service.route("vi", "fr")
    assert route is not None and route.is_pivot
    assert [model.code for model in route.models] == ["translate-vi_en", "translate-en_fr"]
    assert service.route("vi", "de") is None and service.route("fr", "vi") is None
    assert service.route("vi", "vi") is None

    document = write_document(tmp_path, ["Xin chào các bạn. Tạm biệt.", "Năm 2023."])
    _, stats, recorder = run_job(service, document, route)
    engine = TranslationEngine()
    english = engine.translate([installed_vi_en], [s.text for _, s in document.iter_sentences()])
    french = engine.translate([installed_en_fr], english)
    assert [recorder.sentences[key].translation for key in sorted(recorder.sentences)] == french
    assert stats.model_calls == 2 * len(recorder.batches)  # each batch, two legs
    assert not any(text.startswith("<2fr>") for text in french)


def test_direct_model_wins_over_pivot(service, installed_vi_en) -> None:
    route = service.route("vi", "en")
    assert route is not None and not route.is_pivot and route.models == (installed_vi_en,)
    assert service.route("en", "vi") is None


def test_user_edit_wins_and_is_marked(service, installed_vi_en, tmp_path) -> None:
    document = write_document(tmp_path, ["Xin chào các bạn. Tạm biệt.", "Năm 2023."])
    route = service.route("vi", "en")
    run_job(service, document, route)
    service.save_edit(document, 0, 1, "Goodbye, my own words.", to_code="en")

    _, stats, recorder = run_job(TranslationService(open_database()), document, route)
    edited = recorder.sentences[(0, 1)]
    assert edited.translation == "Goodbye, my own words." and edited.edited and edited.cached
    assert not recorder.sentences[(0, 0)].edited and stats.model_calls == 0

    service.save_edit(document, 0, 1, "  ", to_code="en")  # empty: back to the machine translation
    assert not service.cached_translations(document, route)[(0, 1)].edited


def test_saving_an_edit_returns_the_one_it_replaced_and_the_documents_showing_it(
    service, installed_vi_en, tmp_path
) -> None:
    from reader.core.library import store_document

    document = write_document(tmp_path, ["Xin chào các bạn. Tạm biệt."])
    document_id = store_document(service.database, document).document_id
    first = service.save_edit(document, 0, 1, "Bye.", to_code="en")
    assert first.previous == "" and first.changes.translations == {document_id}
    assert service.save_edit(document, 0, 1, "See you.", to_code="en").previous == "Bye."
    service.save_edit(document, 0, 1, "Bye.", to_code="en")  # what an undo does
    assert service.cached_translations(document, service.route("vi", "en"))[(0, 1)].translation == (
        "Bye."
    )


def test_edit_survives_without_any_machine_translation(service, installed_vi_en, tmp_path) -> None:
    document = write_document(tmp_path, ["Xin chào các bạn. Tạm biệt."])
    service.save_edit(document, 0, 0, "Hello, friends.", to_code="en")
    _, stats, recorder = run_job(service, document, service.route("vi", "en"))
    assert recorder.batches[0] == [
        TranslatedSentence(0, 0, "Xin chào các bạn.", "Hello, friends.", cached=True, edited=True)
    ]
    assert stats.cached == 1 and stats.translated == 1


def test_edit_of_a_missing_sentence_is_refused(service, installed_vi_en, tmp_path) -> None:
    document = write_document(tmp_path, ["Xin chào."])
    with pytest.raises(ReaderError, match="no sentence 3"):
        service.save_edit(document, 0, 3, "text", to_code="en")
    with pytest.raises(ReaderError, match="no block 5"):
        service.save_edit(document, 5, 0, "text", to_code="en")


def test_beam_size_is_part_of_the_cache_key(service, installed_vi_en, tmp_path) -> None:
    document = write_document(tmp_path, ["Xin chào các bạn. Tạm biệt."])
    route = service.route("vi", "en")
    run_job(service, document, route)
    _, greedy, recorder = run_job(service, document, route, beam_size=1)
    assert greedy.model_calls == len(recorder.batches) >= 1 and greedy.cached == 0
    assert not any(result.cached for result in recorder.sentences.values())


def test_a_reinstall_of_the_same_version_with_other_files_is_not_served_from_the_cache(
    service, installed_vi_en, tmp_path
) -> None:
    """A damaged or rebuilt model.bin under an unchanged version number: the translations the
    cache holds are the old model's, and the engine's warm model is the old one."""
    sentences = ["Xin chào các bạn.", "Tạm biệt."]
    old_route = service.route("vi", "en")
    old = service.translate_sentences(old_route, sentences)

    other = install_package_file(build_argos_package(tmp_path, "vi", "en", seed=3))
    route = service.route("vi", "en")
    calls = service.engine.stats.model_calls
    new = service.translate_sentences(route, sentences)

    assert other.version == installed_vi_en.version and route.key != old_route.key
    assert service.engine.stats.model_calls > calls
    assert new == TranslationEngine().translate([other], sentences, beam_size=service.beam_size)
    assert new != old
    assert service.translate_sentences(old_route, sentences) == old  # kept, never mixed in


def test_translate_text_keeps_layout_and_uses_the_cache(service, installed_vi_en) -> None:
    route = service.route("vi", "en")
    text = "Xin chào các bạn.  Tạm biệt.\n\nNăm 2023."
    translated = service.translate_text(text, route)
    engine = TranslationEngine()
    parts = engine.translate(route.models, ["Xin chào các bạn.", "Tạm biệt.", "Năm 2023."])
    assert translated == f"{parts[0]}  {parts[1]}\n\n{parts[2]}"
    calls = service.engine.stats.model_calls
    assert service.translate_text(text, route) == translated
    assert service.engine.stats.model_calls == calls
    assert service.translate_text("   ", route) == "   "


def test_translation_works_with_no_network(no_network, service, installed_vi_en, sample) -> None:
    _, stats, recorder = run_job(service, sample, service.route("vi", "en"))
    assert stats.translated == sample.sentence_count == len(recorder.sentences)


def test_damaged_installed_model_is_a_reader_error(service, installed_vi_en, sample) -> None:
    model_bin = installed_vi_en.path / "model" / "model.bin"
    model_bin.write_bytes(model_bin.read_bytes()[:1000])
    route = service.route("vi", "en")
    with pytest.raises(ReaderError, match="damaged or unreadable"):
        run_job(service, sample, route)
    assert service.cached_translations(sample, route) == {}


def test_beam_size_must_be_positive() -> None:
    with pytest.raises(ReaderError, match="beam size"):
        TranslationService(open_database(), beam_size=0)


def test_without_the_reader_waiting_the_first_batch_spans_paragraphs(
    service, installed_vi_en, tmp_path
) -> None:
    document = write_document(tmp_path, numbered_paragraphs(40))
    recorder = Recorder()
    job = service.create_job(
        document, service.route("vi", "en"), on_sentences=recorder.on_sentences
    )
    job.prioritise([30, 31])
    formed = record_formed_batches(job)
    job.run()
    assert formed[0] >= {(30, 0), (30, 1), (31, 0), (31, 1)}  # a fuller first batch: throughput
