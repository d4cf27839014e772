"""Runs an installed Argos package: tokenizer + CTranslate2 Translator, decoding exactly as Argos.

Argos Translate (`apply_packaged_translation` in its translate module) tokenizes each sentence,
calls `Translator.translate_batch(..., target_prefix, replace_unknowns=True, beam_size=4,
length_penalty=0.2)`, detokenizes with its tokenizer's `decode`, strips the target prefix and one
leading space. We do the same per sentence, so a sentence translates to what Argos gives it,
but we batch many sentences per call instead of (in effect) one, and keep one Translator per
model warm for the life of the process. (Batching pads short sentences to the longest one; the
float arithmetic then differs in the last bits, which can flip a near-tie in beam search. With
trained models that is rare; tests/test_argos_equivalence.py checks equality on the fixture.)

The Translator runs several batches side by side (`thread_layout`); callers that want to use
that submit batches from several threads (TranslationJob does).

That translate module itself is never imported: it pulls in torch, stanza and spaCy.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import ctranslate2
import sentencepiece

from reader.core.errors import InputError, ReaderError
from reader.core.translate.packages import InstalledModel

# Decoding options Argos uses (translate.py, settings.py); changing them changes translations.
ARGOS_LENGTH_PENALTY = 0.2
DEFAULT_BEAM_SIZE = 4
SENTENCEPIECE_SPACE = "\u2581"
MAX_PARALLEL_BATCHES = 4


@dataclass
class EngineStats:
    """Counters of real model work, for progress reports, benchmarks and tests."""

    model_calls: int = 0  # Translator.translate_batch calls
    sentences: int = 0  # sentences sent through a model (a pivot counts each leg)
    source_tokens: int = 0
    seconds: float = 0.0  # time spent inside translate_batch
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, sentences: int, tokens: int, seconds: float) -> None:
        with self._lock:
            self.model_calls += 1
            self.sentences += sentences
            self.source_tokens += tokens
            self.seconds += seconds


class Tokenizer(Protocol):
    def encode(self, sentence: str) -> list[str]: ...

    def decode(self, tokens: Sequence[str]) -> str: ...


class SentencePieceTokenizer:
    """Argos's SentencePiece tokenizer: pieces in, pieces out, `▁` and `_` decoded as spaces."""

    def __init__(self, model_file: Path):
        try:
            self._processor = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
        except (OSError, RuntimeError) as error:
            raise InputError(model_file, f"unreadable SentencePiece model ({error})") from error

    def encode(self, sentence: str) -> list[str]:
        return self._processor.encode(sentence, out_type=str)

    def decode(self, tokens: Sequence[str]) -> str:
        # Argos replaces "_" as well (argostranslate/tokenizer.py): keep it for identical output.
        text = self._processor.decode_pieces(list(tokens))
        return text.replace(SENTENCEPIECE_SPACE, " ").replace("_", " ")


class BPETokenizer:
    """Argos's BPE tokenizer (older packages): Moses normalise + tokenize, BPE codes, detokenize."""

    def __init__(self, codes_file: Path, from_code: str, to_code: str):
        try:
            from argostranslate.apply_bpe import BPE  # the code Argos applies, plain stdlib
            from sacremoses import MosesDetokenizer, MosesPunctNormalizer, MosesTokenizer
        except ImportError as error:
            raise ReaderError(
                f"{codes_file}: BPE packages need the '{error.name}' Python package"
            ) from error
        self._normalizer = MosesPunctNormalizer(from_code)
        self._tokenizer = MosesTokenizer(from_code)
        self._detokenizer = MosesDetokenizer(to_code)
        try:
            with codes_file.open(encoding="utf-8") as codes:
                self._bpe = BPE(codes)
        except (OSError, ValueError, UnicodeDecodeError) as error:
            raise InputError(codes_file, f"unreadable BPE model ({error})") from error

    def encode(self, sentence: str) -> list[str]:
        normalized = self._normalizer.normalize(sentence)
        tokenized = " ".join(self._tokenizer.tokenize(normalized))
        return self._bpe.segment_tokens(tokenized.strip("\r\n ").split(" "))

    def decode(self, tokens: Sequence[str]) -> str:
        return self._detokenizer.detokenize(" ".join(tokens).replace("@@ ", "").split(" "))


def load_tokenizer(model: InstalledModel) -> Tokenizer:
    sentencepiece_model = model.path / "sentencepiece.model"
    if sentencepiece_model.is_file():
        return SentencePieceTokenizer(sentencepiece_model)
    bpe_model = model.path / "bpe.model"
    if bpe_model.is_file():
        return BPETokenizer(bpe_model, model.from_code, model.to_code)
    raise InputError(model.path, "package has no tokenizer (sentencepiece.model or bpe.model)")


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def thread_layout(cores: int | None = None) -> tuple[int, int]:
    """(inter_threads, intra_threads) for a Translator on this machine.

    Several small batches running side by side (one per worker) beat one batch spread over every
    core: OpenMP synchronisation between decoding steps costs a lot at the small batch sizes we
    need for a responsive UI, and much more when other processes share the CPU.
    (bench/translate_throughput.py measured this on a 2-core machine.)
    """
    cores = cores or available_cores()
    inter = min(cores, MAX_PARALLEL_BATCHES)
    return inter, max(1, cores // inter)


# Loaded translators, shared by every engine: loading a Transformer-base model takes ~0.5 s and
# hundreds of MB, so it is done once per process and model version.
_translators: dict[tuple[str, str, int], ctranslate2.Translator] = {}
_translators_lock = threading.Lock()


def _model_key(model: InstalledModel) -> tuple[str, str, int]:
    model_bin = model.path / "model" / "model.bin"
    try:
        stamp = model_bin.stat().st_mtime_ns
    except OSError as error:
        raise InputError(model_bin, f"cannot read the model ({error.strerror})") from error
    return str(model.path.resolve()), model.version, stamp


def load_translator(model: InstalledModel) -> ctranslate2.Translator:
    """The warm Translator of an installed package, loaded on first use."""
    key = _model_key(model)
    with _translators_lock:
        translator = _translators.get(key)
        if translator is None:
            translator = _open_translator(model.path / "model")
            stale = [other for other in _translators if other[0] == key[0]]
            for other in stale:  # a reinstalled package: drop the old version's memory
                del _translators[other]
            _translators[key] = translator
        return translator


def _open_translator(model_dir: Path) -> ctranslate2.Translator:
    inter_threads, intra_threads = thread_layout()
    try:
        return ctranslate2.Translator(
            str(model_dir),
            device="cpu",
            compute_type="auto",  # as Argos: int8 where the CPU supports it
            inter_threads=inter_threads,
            intra_threads=intra_threads,
        )
    except (RuntimeError, ValueError, OSError) as error:
        raise InputError(model_dir, f"the model is damaged or unreadable ({error})") from error


def unload_translators() -> None:
    """Forget every loaded model (benchmarks measuring cold starts; freeing memory)."""
    with _translators_lock:
        _translators.clear()


class PackageModel:
    """One installed package ready to translate: its tokenizer and its warm Translator."""

    def __init__(self, model: InstalledModel, stats: EngineStats):
        self.info = model
        self.tokenizer = load_tokenizer(model)
        self.translator = load_translator(model)
        self._stats = stats

    def encode(self, sentence: str) -> list[str]:
        return self.tokenizer.encode(sentence)

    def translate_tokens(
        self, batch: Sequence[Sequence[str]], *, beam_size: int = DEFAULT_BEAM_SIZE
    ) -> list[list[str]]:
        """Translate tokenized sentences in one `translate_batch` call; returns target tokens."""
        if not batch:
            return []
        prefix = self.info.target_prefix
        started = time.perf_counter()
        try:
            results = self.translator.translate_batch(
                [list(tokens) for tokens in batch],
                target_prefix=[[prefix]] * len(batch) if prefix else None,
                max_batch_size=0,  # the caller sizes the batch; no re-splitting
                beam_size=beam_size,
                num_hypotheses=1,
                length_penalty=ARGOS_LENGTH_PENALTY,
                replace_unknowns=True,
            )
        except (RuntimeError, ValueError) as error:
            raise ReaderError(f"{self.info.path}: translation failed ({error})") from error
        tokens = sum(len(sentence) for sentence in batch)
        self._stats.record(len(batch), tokens, time.perf_counter() - started)
        return [result.hypotheses[0] for result in results]

    def decode(self, tokens: Sequence[str]) -> str:
        """Detokenize one sentence's translation as Argos does, except that the target prefix
        is dropped as a token first: Argos strips it from the text after turning "_" into
        spaces, so a "__fr__"-style prefix leaked into its output."""
        prefix = self.info.target_prefix
        if prefix and list(tokens[:1]) == [prefix]:
            tokens = tokens[1:]
        text = self.tokenizer.decode(tokens)
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :]
        return text.removeprefix(" ")


class TranslationEngine:
    """Translates batches of sentences through one model or a chain of them (a pivot)."""

    def __init__(self) -> None:
        self.stats = EngineStats()
        # Batches worth running at the same time: one per Translator worker.
        self.parallel_batches = thread_layout()[0]
        self._models: dict[tuple[Path, str], PackageModel] = {}
        self._lock = threading.Lock()

    def model(self, installed: InstalledModel) -> PackageModel:
        key = (installed.path, installed.version)
        with self._lock:
            model = self._models.get(key)
            if model is None:
                model = PackageModel(installed, self.stats)
                self._models[key] = model
            return model

    def translate(
        self,
        chain: Sequence[InstalledModel],
        sentences: Sequence[str],
        *,
        beam_size: int = DEFAULT_BEAM_SIZE,
    ) -> list[str]:
        """Translate sentences through each model of `chain` in turn (vi→en→fr for a pivot)."""
        texts = list(sentences)
        for installed in chain:
            texts = self.translate_once(self.model(installed), texts, beam_size=beam_size)
        return texts

    def translate_once(
        self, model: PackageModel, sentences: Sequence[str], *, beam_size: int
    ) -> list[str]:
        tokenized = [model.encode(sentence) for sentence in sentences]
        # Similar lengths side by side waste less padding; results go back in input order.
        order = sorted(range(len(tokenized)), key=lambda i: len(tokenized[i]))
        outputs = model.translate_tokens([tokenized[i] for i in order], beam_size=beam_size)
        translations = [""] * len(sentences)
        for position, index in enumerate(order):
            translations[index] = model.decode(outputs[position])
        return translations
