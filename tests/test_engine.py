"""The engine runs a real (tiny) Argos package: tokenizer, warm CTranslate2 translator, Argos-style
detokenisation."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from reader.core.errors import ReaderError
from reader.core.translate.engine import (
    BPETokenizer,
    PackageModel,
    SentencePieceTokenizer,
    TranslationEngine,
    available_cores,
    load_translator,
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


def test_translator_is_loaded_once_per_model(installed_vi_en) -> None:
    first = TranslationEngine().model(installed_vi_en)
    second = TranslationEngine().model(installed_vi_en)
    assert first.translator is second.translator is load_translator(installed_vi_en)


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
