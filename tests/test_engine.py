"""The engine runs a real (tiny) Argos package: tokenizer, warm CTranslate2 translator, Argos-style
detokenisation."""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from reader.core.errors import ReaderError
from reader.core.translate.engine import (
    ARGOS_LENGTH_PENALTY,
    ARGOS_MAX_DECODING_LENGTH,
    LONG_SENTENCE_TOKENS,
    PIECE_CALL_TOKENS,
    PIECE_TOKENS,
    BPETokenizer,
    PackageModel,
    SentencePieceTokenizer,
    TranslationEngine,
    available_cores,
    decoding_limit,
    load_translator,
    split_text,
    thread_layout,
)

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "samples" / "bvctnb-2023.vi.txt"
SENTENCES = [
    "Công tác BVCTNB là một bộ phận trọng yếu trong công tác xây dựng Đảng.",
    "Năm 2023, toàn Ngành đã có nhiều nỗ lực.",
    "Sign In",
    "Tham mưu ban hành Thông báo số 32-TB/TW, ngày 18/8/2023.",
]


def test_each_sentence_gets_a_nonempty_translation_in_input_order(installed_vi_en) -> None:
    engine = TranslationEngine()
    batch = engine.translate([installed_vi_en], SENTENCES)
    one_by_one = [engine.translate([installed_vi_en], [sentence])[0] for sentence in SENTENCES]
    assert batch == one_by_one  # batching and length sorting do not change or shuffle results
    assert all(batch)
    assert len(set(batch)) == len(batch)  # the source reaches the output


def test_stats_count_every_model_call(installed_vi_en) -> None:
    engine = TranslationEngine()
    engine.translate([installed_vi_en], SENTENCES)
    engine.translate([installed_vi_en], SENTENCES[:1])
    assert engine.stats.model_calls == 2
    assert engine.stats.sentences == len(SENTENCES) + 1
    assert engine.stats.source_tokens > len(SENTENCES)


def test_translation_is_deterministic_across_engines(installed_vi_en) -> None:
    first = TranslationEngine().translate([installed_vi_en], SENTENCES)
    second = TranslationEngine().translate([installed_vi_en], SENTENCES)
    assert first == second


def test_greedy_decoding_is_available(installed_vi_en) -> None:
    greedy = TranslationEngine().translate([installed_vi_en], SENTENCES, beam_size=1)
    assert len(greedy) == len(SENTENCES) and all(greedy)


def test_translator_and_tokenizer_are_loaded_once_per_model_version(installed_vi_en) -> None:
    first = TranslationEngine().model(installed_vi_en)
    second = TranslationEngine().model(installed_vi_en)
    assert first.translator is second.translator is load_translator(installed_vi_en)
    assert first.tokenizer is second.tokenizer
    model_bin = installed_vi_en.path / "model" / "model.bin"
    stamp = model_bin.stat().st_mtime_ns
    os.utime(model_bin, ns=(stamp + 10**9, stamp + 10**9))  # as a reinstall would
    third = TranslationEngine().model(installed_vi_en)
    assert third.translator is not first.translator and third.tokenizer is not first.tokenizer


def test_target_prefix_is_given_to_the_model_and_stripped(installed_en_fr) -> None:
    model = TranslationEngine().model(installed_en_fr)
    tokens = model.translate_tokens([model.encode("The review was carried out on time.")])[0]
    assert tokens[0] == "<2fr>"
    text = model.decode(tokens)
    assert "<2fr>" not in text and not text.startswith(" ")


def test_sentencepiece_decoding_matches_argos(installed_vi_en) -> None:
    from argostranslate.tokenizer import SentencePieceTokenizer as ArgosTokenizer

    ours = SentencePieceTokenizer(installed_vi_en.path / "sentencepiece.model")
    argos = ArgosTokenizer(installed_vi_en.path / "sentencepiece.model")
    for text in [*SENTENCES, "snake_case and ▁ marks", "  spaced  "]:
        tokens = ours.encode(text)
        assert tokens == argos.encode(text)
        assert ours.decode(tokens) == argos.decode(tokens)


def test_truncated_model_is_a_clear_error_not_a_crash(installed_vi_en, tmp_path) -> None:
    damaged = tmp_path / "damaged"
    shutil.copytree(installed_vi_en.path, damaged)
    model_bin = damaged / "model" / "model.bin"
    model_bin.write_bytes(model_bin.read_bytes()[: model_bin.stat().st_size // 3])
    with pytest.raises(ReaderError, match=r"damaged.*model.*damaged or unreadable"):
        TranslationEngine().translate([replace(installed_vi_en, path=damaged)], SENTENCES)


def test_unreadable_tokenizer_is_a_clear_error(installed_vi_en, tmp_path) -> None:
    damaged = tmp_path / "bad-tokenizer"
    shutil.copytree(installed_vi_en.path, damaged)
    (damaged / "sentencepiece.model").write_bytes(b"not a model")
    with pytest.raises(ReaderError, match=r"sentencepiece\.model: unreadable SentencePiece"):
        PackageModel(replace(installed_vi_en, path=damaged), TranslationEngine().stats)


def test_bpe_tokenizer_matches_argos(tmp_path) -> None:
    """Older packages ship Moses + BPE codes (bpe.model) instead of SentencePiece."""
    import io

    from argostranslate.tokenizer import BPETokenizer as ArgosBPE
    from sacremoses import MosesTokenizer
    from subword_nmt.learn_bpe import learn_bpe

    moses = MosesTokenizer("vi")
    lines = [moses.tokenize(line, return_str=True) for line in SAMPLE.read_text().splitlines()]
    codes_file = tmp_path / "bpe.model"
    with codes_file.open("w", encoding="utf-8") as codes:
        learn_bpe(io.StringIO("\n".join(lines)), codes, num_symbols=300)

    ours = BPETokenizer(codes_file, "vi", "en")
    argos = ArgosBPE(codes_file, "vi", "en")
    split_words = 0
    for text in [*SENTENCES, "“Kế hoạch” của Ban (2023-2025): hoàn thành 100%!"]:
        tokens = ours.encode(text)
        assert tokens == argos.encode(text)
        assert ours.decode(tokens) == argos.decode(tokens)
        split_words += sum(token.endswith("@@") for token in tokens)
    assert split_words > 0


def test_thread_layout_runs_batches_side_by_side() -> None:
    assert thread_layout(1) == (1, 1)
    assert thread_layout(2) == (2, 1)
    assert thread_layout(8) == (4, 2)
    inter, intra = thread_layout()
    assert (
        inter * intra <= max(available_cores(), 1) and TranslationEngine().parallel_batches == inter
    )


def test_an_underscore_prefix_does_not_leak_into_the_translation(tmp_path) -> None:
    from reader.core.translate.packages import install_package_file
    from tests.argos_fixture import build_argos_package

    package = build_argos_package(tmp_path, "en", "de", seed=2, target_prefix="__de__")
    model = install_package_file(package)
    texts = TranslationEngine().translate([model], ["Hello there.", "The report is ready."])
    assert all(text.strip() for text in texts)
    assert not any("de__" in text or text.lstrip().startswith("de ") for text in texts)


# --- Long sentences -------------------------------------------------------------------------------

FIXED_OUTPUT = 24  # tokens per translation of the fixed-length package below


@pytest.fixture(scope="module")
def fixed_length_package_files(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """vi→en packages whose every translation is exactly N tokens long (when not cut).

    d_model=128: the fixture's stop signal needs d_model over ~100 to win (bench uses 512)."""
    from tests.argos_fixture import build_argos_package

    return {
        length: build_argos_package(
            tmp_path_factory.mktemp(f"argos-fixed-{length}"),
            "vi",
            "en",
            seed=0,
            d_model=128,
            fixed_output_length=length,
        )
        for length in (FIXED_OUTPUT, 300)
    }


def sample_sentences() -> list[str]:
    from reader.core.documents import load_document

    document = load_document(SAMPLE, language="vi")
    return [sentence.text for _, sentence in document.iter_sentences()]


def legal_paragraph(model: PackageModel, minimum_tokens: int) -> tuple[str, list[str]]:
    """One "sentence" made of sample sentences joined by semicolons (no full stop inside), each
    clause between half a piece and a piece long: it must be cut at exactly those semicolons."""
    clauses = [
        sentence.rstrip(".")
        for sentence in sample_sentences()
        if ";" not in sentence
        and PIECE_TOKENS // 2 < len(model.encode(sentence.rstrip("."))) <= PIECE_TOKENS - 2
    ]
    assert len(clauses) >= 3
    while sum(len(model.encode(clause)) for clause in clauses) <= minimum_tokens:
        clauses += clauses
    return "; ".join(clauses), [f"{clause};" for clause in clauses[:-1]] + clauses[-1:]


def test_a_sentence_far_over_the_input_limit_is_translated_whole_in_pieces(
    fixed_length_package_files,
) -> None:
    from reader.core.translate.packages import install_package_file

    installed = install_package_file(fixed_length_package_files[FIXED_OUTPUT])
    engine = TranslationEngine()
    model = engine.model(installed)
    paragraph, clauses = legal_paragraph(model, minimum_tokens=2 * PIECE_CALL_TOKENS)
    assert len(model.encode(paragraph)) > 1024  # CTranslate2's max_input_length: cut there before

    assert model.pieces(paragraph) == clauses  # cut at each semicolon, nowhere else
    [translation] = engine.translate([installed], [paragraph])

    stats = engine.stats
    assert stats.split_sentences == 1 and stats.sentences == len(clauses)
    # Every piece was translated to its full length: far more than the 256 tokens it used to get.
    assert stats.target_tokens == len(clauses) * FIXED_OUTPUT > ARGOS_MAX_DECODING_LENGTH
    # Pieces go in batches, each of at most PIECE_CALL_TOKENS source tokens.
    assert len(clauses) > stats.model_calls >= math.ceil(stats.source_tokens / PIECE_CALL_TOKENS)
    # One translation: the pieces' translations, in order, joined by a space.
    assert translation == " ".join(engine.translate([installed], clauses))


def test_long_and_normal_sentences_keep_their_order_and_normal_ones_are_unchanged(
    installed_vi_en,
) -> None:
    engine = TranslationEngine()
    model = engine.model(installed_vi_en)
    first, _ = legal_paragraph(model, minimum_tokens=LONG_SENTENCE_TOKENS)
    second = "Bảng tổng hợp: " + ", ".join(sample_sentences()[5:15]).replace(".", "")
    assert len(model.encode(first)) > LONG_SENTENCE_TOKENS < len(model.encode(second))
    mixed = [SENTENCES[0], first, SENTENCES[1], second, SENTENCES[2], SENTENCES[3]]

    results = engine.translate([installed_vi_en], mixed)

    # The normal sentences in one call, as without the long ones; the pieces in another.
    assert engine.stats.split_sentences == 2 and engine.stats.model_calls == 2
    fresh = TranslationEngine()
    normal_alone = fresh.translate([installed_vi_en], SENTENCES)
    assert [results[i] for i in (0, 2, 4, 5)] == normal_alone  # same batch as without the long
    assert results[1] == fresh.translate([installed_vi_en], [first])[0]
    assert results[3] == fresh.translate([installed_vi_en], [second])[0]
    assert results[1] != results[3] and all(results)
    pieces = model.pieces(second)
    assert len(pieces) > 1 and results[3] == " ".join(fresh.translate([installed_vi_en], pieces))


def test_normal_sentences_are_decoded_exactly_as_argos_decodes(installed_vi_en) -> None:
    """Same single call, same options as Argos's translate_batch (its 256-token limit included)."""
    engine = TranslationEngine()
    model = engine.model(installed_vi_en)
    sentences = [*SENTENCES, *sample_sentences()]
    assert max(len(model.encode(sentence)) for sentence in sentences) <= LONG_SENTENCE_TOKENS
    ours = engine.translate([installed_vi_en], sentences)
    assert engine.stats.model_calls == 1 and engine.stats.split_sentences == 0

    argos = model.translator.translate_batch(
        [model.encode(sentence) for sentence in sentences],
        replace_unknowns=True,
        beam_size=4,
        length_penalty=ARGOS_LENGTH_PENALTY,
    )
    assert ours == [model.decode(result.hypotheses[0]) for result in argos]


def test_decoding_limit_grows_with_the_input_and_stays_bounded(
    fixed_length_package_files,
) -> None:
    from reader.core.translate.packages import install_package_file

    assert decoding_limit(1) == decoding_limit(100) == ARGOS_MAX_DECODING_LENGTH
    assert 2 * LONG_SENTENCE_TOKENS < decoding_limit(LONG_SENTENCE_TOKENS) <= 1024
    assert decoding_limit(100_000) == 1024

    model = TranslationEngine().model(install_package_file(fixed_length_package_files[300]))
    longest = max(sample_sentences(), key=lambda sentence: len(model.encode(sentence)))
    assert 150 < len(model.encode(longest)) <= LONG_SENTENCE_TOKENS  # long, but not split
    [long] = model.translate_tokens([model.encode(longest)])
    assert len(long) == 300  # not cut at 256 any more
    [short] = model.translate_tokens([model.encode(SENTENCES[2])])
    assert len(short) == ARGOS_MAX_DECODING_LENGTH  # a short input still stops where Argos's does


def test_a_long_sentence_through_a_pivot_with_a_target_prefix(
    installed_vi_en, installed_en_fr
) -> None:
    engine = TranslationEngine()
    paragraph, _ = legal_paragraph(engine.model(installed_vi_en), minimum_tokens=600)
    [french] = engine.translate([installed_vi_en, installed_en_fr], [paragraph])
    assert french and "<2fr>" not in french and not french.startswith(" ")
    assert engine.stats.split_sentences >= 1


def words(text: str) -> int:
    return len(text.split())


def test_split_text_prefers_semicolons_then_colons_then_commas_then_spaces() -> None:
    text = "a b c, d e f; g h: i j, k l m n o p q r s t"
    assert split_text(text, words, 20) == [text]
    # The semicolon first; what is still too long is cut at its colon, then its comma, then
    # between words, in even halves.
    expected = ["a b c, d e f;", "g h:", "i j,", "k l m n o", "p q r s t"]
    assert split_text(text, words, 8) == expected
    assert split_text(text, words, 13) == ["a b c, d e f;", "g h:", "i j, k l m n o p q r s t"]
    sixteen = " ".join(f"w{i}" for i in range(16))
    assert [words(piece) for piece in split_text(sixteen, words, 15)] == [8, 8]  # not 15 + 1


def test_split_text_keeps_numbers_times_and_urls_whole() -> None:
    text = "at 10:30 pay 1,000,000 dong see https://example.org/a,b;c and more words here"
    pieces = split_text(text, words, 3)
    assert "10:30" in pieces[0] and any("1,000,000" in piece for piece in pieces)
    assert any("https://example.org/a,b;c" in piece for piece in pieces)
    assert " ".join(pieces).split() == text.split()


def test_split_text_halves_a_run_without_breaks() -> None:
    run = "電" * 50 + "、" + "気" * 500  # no spaces: the ideographic comma first, then halves

    def characters(text: str) -> int:
        return len(text)

    pieces = split_text(run, characters, 64)
    assert pieces[0] == "電" * 50 + "、"
    assert "".join(pieces) == run and all(0 < len(piece) <= 64 for piece in pieces)
    decomposed = "Vie\u0302\u0323t" * 40  # never cut between a letter and its marks
    assert all(
        not piece[0].isspace() and piece[0] not in "\u0302\u0323"
        for piece in split_text(decomposed, characters, 16)
    )


def test_split_text_with_a_bpe_tokenizer(tmp_path) -> None:
    import io

    from sacremoses import MosesTokenizer
    from subword_nmt.learn_bpe import learn_bpe

    moses = MosesTokenizer("vi")
    lines = [moses.tokenize(line, return_str=True) for line in SAMPLE.read_text().splitlines()]
    codes_file = tmp_path / "bpe.model"
    with codes_file.open("w", encoding="utf-8") as codes:
        learn_bpe(io.StringIO("\n".join(lines)), codes, num_symbols=300)
    tokenizer = BPETokenizer(codes_file, "vi", "en")

    paragraph = ", ".join(sentence.rstrip(".") for sentence in sample_sentences()[:20])
    total = len(tokenizer.encode(paragraph))
    pieces = split_text(paragraph, lambda text: len(tokenizer.encode(text)), PIECE_TOKENS)
    assert len(pieces) >= total // PIECE_TOKENS >= 2
    assert all(len(tokenizer.encode(piece)) <= PIECE_TOKENS for piece in pieces)
    assert " ".join(pieces).split() == paragraph.split()


# --- device choice (the facts injected: no GPU on the test machines) -------------------------


def _facts(cuda: int, cuda_types=("float32", "float16", "int8_float16"), cpu_types=("int8",)):
    return {
        "cuda_devices": lambda: cuda,
        "supported_types": lambda device: set(cuda_types if device == "cuda" else cpu_types),
    }


def test_a_gpu_is_used_with_its_fastest_type_for_int8_packages(monkeypatch):
    from reader.core.translate.engine import Device, choose_device

    monkeypatch.delenv("BIREADER_DEVICE", raising=False)
    assert choose_device(**_facts(1)) == Device("cuda", "int8_float16")
    assert choose_device(**_facts(2, cuda_types=("float32", "float16"))) == Device(
        "cuda", "float16"
    )


def test_the_cpu_without_a_gpu_or_when_forced(monkeypatch):
    from reader.core.translate.engine import Device, choose_device

    monkeypatch.delenv("BIREADER_DEVICE", raising=False)
    assert choose_device(**_facts(0, cpu_types=("int8_float32", "int8"))) == Device(
        "cpu", "int8_float32"
    )
    monkeypatch.setenv("BIREADER_DEVICE", "CPU")
    assert choose_device(**_facts(1)) == Device("cpu", "int8")
    assert choose_device("cpu", **_facts(1, cpu_types=())) == Device("cpu", "auto")


def test_a_device_preference_that_cannot_be_met_is_one_clear_error(monkeypatch):
    from reader.core.errors import ReaderError
    from reader.core.translate.engine import choose_device

    with pytest.raises(ReaderError, match="no CUDA device"):
        choose_device("cuda", **_facts(0))
    with pytest.raises(ReaderError, match="expected one of auto, cpu, cuda"):
        choose_device("tpu", **_facts(0))


def test_this_machine_runs_on_the_cpu_as_auto_would():
    import ctranslate2

    from reader.core.translate.engine import choose_device

    device = choose_device()
    assert device.name == "cpu"
    assert device.compute_type in ctranslate2.get_supported_compute_types("cpu")
