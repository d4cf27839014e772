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

Two departures from Argos, both for "sentences" Argos silently cut (a legal paragraph without a
full stop, a flattened table row): a sentence over LONG_SENTENCE_TOKENS is translated in pieces cut
at its natural breaks, and the decoding limit grows with the input (see decoding_limit). Sentences
up to LONG_SENTENCE_TOKENS go through as in Argos, in the same batches with the same options,
except that a translation is no longer cut at 256 tokens.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
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

# Where models run. Argos packages are int8: on a GPU int8 weights with float16 arithmetic are
# fastest, float16 the fallback; on the CPU int8 with float32 is what "auto" (and Argos) picks.
DEVICE_ENV = "BIREADER_DEVICE"
DEVICE_PREFERENCES = ("auto", "cpu", "cuda")
CUDA_COMPUTE_TYPES = ("int8_float16", "float16", "int8_float32", "float32")
CPU_COMPUTE_TYPES = ("int8_float32", "int8", "float32")

# Long inputs. Neither the package nor the CTranslate2 model records the sentence length a model
# was trained for (Argos's OpenNMT-py models use sinusoidal position encodings, which carry no
# length; the Translator exposes no limit), so these are constants:
# - argos-train drops training pairs over 150 tokens (OpenNMT-py `filtertoolong`,
#   src_seq_length/tgt_seq_length: 150): past that a model is outside what it learned and tends to
#   drop text or stop early, so the pieces of a split sentence are at most PIECE_TOKENS;
# - up to 256 tokens Argos translated a sentence whole, and its translation (about as many
#   tokens) fit in CTranslate2's default decoding limit of 256; longer ones were mostly being cut
#   there, or at 1024 input tokens (max_input_length). So sentences up to LONG_SENTENCE_TOKENS
#   (above the longest, ~100-word, sentences of the sample official document) go through whole,
#   as in Argos, and only longer ones are split.
LONG_SENTENCE_TOKENS = 256
PIECE_TOKENS = 150
# Pieces go to the model in calls of at most this many source tokens (at least one piece), about
# what a full batch of normal sentences holds: a megabyte-long "sentence" must not become one
# batch of thousands of rows.
PIECE_CALL_TOKENS = 2048
# Decoding limit, per translate_batch call, from its longest input (see decoding_limit).
ARGOS_MAX_DECODING_LENGTH = 256  # CTranslate2's default, which Argos keeps
DECODING_LENGTH_RATIO = 2  # a translation may take twice its source's tokens...
DECODING_LENGTH_SLACK = 16  # ...plus a few (target prefix, short inputs)
# Never beyond CTranslate2's own input limit: models with learned position encodings (the test
# fixture's, for one) have no position past 1024 and fail there instead of stopping.
MAX_DECODING_LENGTH = 1024
# A trial translation (see trial_translation) decodes at most this many tokens: bounded time.
TRIAL_MAX_DECODING_LENGTH = 64
# Where CTranslate2 keeps a model's source vocabulary, one token per entry.
SOURCE_VOCABULARY_FILES = (
    "shared_vocabulary.json",
    "source_vocabulary.json",
    "shared_vocabulary.txt",
    "source_vocabulary.txt",
)

# Where an over-long sentence may be cut, best first: after a semicolon, a colon, a comma (when a
# space follows, so that 10:30, 1,000 and URLs stay whole; CJK full-width marks need none), then
# between words. A run without any of these is halved (see _halve).
_BREAKS = (
    re.compile(r"[;\u061b](?=\s)|\uff1b"),  # ; and Arabic ؛ | full-width ；
    re.compile(r":(?=\s)|\uff1a"),  # : | full-width ：
    re.compile(r"[,\u060c](?=\s)|[\uff0c\u3001]"),  # , and Arabic ، | full-width ， and 、
    re.compile(r"\s+"),
)


@dataclass
class EngineStats:
    """Counters of real model work, for progress reports, benchmarks and tests."""

    model_calls: int = 0  # Translator.translate_batch calls
    # Inputs sent through a model: a pivot counts each leg, each piece of a split sentence counts.
    sentences: int = 0
    source_tokens: int = 0
    target_tokens: int = 0  # tokens of the translations (with the target prefix, if any)
    split_sentences: int = 0  # sentences over LONG_SENTENCE_TOKENS, translated in pieces
    seconds: float = 0.0  # time spent inside translate_batch
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, sentences: int, tokens: int, target_tokens: int, seconds: float) -> None:
        with self._lock:
            self.model_calls += 1
            self.sentences += sentences
            self.source_tokens += tokens
            self.target_tokens += target_tokens
            self.seconds += seconds

    def record_split(self, sentences: int) -> None:
        with self._lock:
            self.split_sentences += sentences


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
            codes = codes_file.read_text(encoding="utf-8")
        except (OSError, ValueError) as error:
            raise InputError(codes_file, f"unreadable BPE model ({error})") from error
        problem = _bpe_codes_problem(codes)
        if problem:
            raise InputError(codes_file, f"not a BPE model ({problem})")
        try:
            self._bpe = BPE(io.StringIO(codes))
        except ValueError as error:  # a "#version:" line that is not one
            raise InputError(codes_file, f"not a BPE model ({error})") from error

    def encode(self, sentence: str) -> list[str]:
        normalized = self._normalizer.normalize(sentence)
        tokenized = " ".join(self._tokenizer.tokenize(normalized))
        return self._bpe.segment_tokens(tokenized.strip("\r\n ").split(" "))

    def decode(self, tokens: Sequence[str]) -> str:
        return self._detokenizer.detokenize(" ".join(tokens).replace("@@ ", "").split(" "))


def _bpe_codes_problem(codes: str) -> str | None:
    """What is wrong with the text of a BPE codes file, None if nothing. argostranslate's BPE
    calls sys.exit() on a line that is not a merge: it must never see one."""
    lines = list(enumerate(io.StringIO(codes), start=1))  # split as BPE splits them
    merges = lines[1:] if lines and lines[0][1].startswith("#version:") else lines
    if not merges:
        return "no merges"
    for number, line in merges:
        if len(line.strip("\r\n ").split(" ")) != 2:
            return f"line {number} is not two subword units"
    return None


def _open_tokenizer(model: InstalledModel) -> Tokenizer:
    sentencepiece_model = model.path / "sentencepiece.model"
    if sentencepiece_model.is_file():
        return SentencePieceTokenizer(sentencepiece_model)
    bpe_model = model.path / "bpe.model"
    if bpe_model.is_file():
        return BPETokenizer(bpe_model, model.from_code, model.to_code)
    raise InputError(model.path, "package has no tokenizer (sentencepiece.model or bpe.model)")


def decoding_limit(longest_input: int) -> int:
    """max_decoding_length for a batch whose longest input has `longest_input` tokens.

    Argos's 256 for ordinary sentences, so their decoding is unchanged (a model stuck repeating
    itself still stops there), and twice the input plus some slack for long ones, so that a long
    sentence's translation is not cut at 256 while a runaway decoding stays bounded."""
    relative = DECODING_LENGTH_RATIO * longest_input + DECODING_LENGTH_SLACK
    return min(MAX_DECODING_LENGTH, max(ARGOS_MAX_DECODING_LENGTH, relative))


def split_text(text: str, count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Cut `text` into pieces of at most `limit` tokens (as counted by `count_tokens`), at the
    best breaks available (see _BREAKS and _split).

    The pieces, in order, are the text with its whitespace at the cuts (and at both ends) removed.
    """
    text = text.strip()
    if not text:
        return []
    if count_tokens(text) <= limit:
        return [text]
    return _split(text, count_tokens, limit, 0)


def _split(text: str, count_tokens: Callable[[str], int], limit: int, level: int) -> list[str]:
    """Pieces of `text`, which is over `limit`, cut at the breaks of _BREAKS[level] or finer.

    The segments between breaks are packed in order into pieces of similar size (the fewest
    pieces of at most `limit`, evened out: no 150 + 10 split of 160 tokens); a segment over
    `limit` on its own is cut at the next, finer kind of break."""
    text = text.strip()
    if level == len(_BREAKS):
        return _halve(text, count_tokens, limit)
    cuts = [match.end() for match in _BREAKS[level].finditer(text) if 0 < match.end() < len(text)]
    if not cuts:
        return _split(text, count_tokens, limit, level + 1)
    bounds = [0, *cuts, len(text)]
    segments = list(itertools.pairwise(bounds))
    sizes = [count_tokens(text[start:end]) for start, end in segments]
    target = math.ceil(sum(sizes) / math.ceil(sum(sizes) / limit))
    pieces: list[str] = []
    start, size = 0, 0  # the piece being filled: where it starts, its tokens so far
    for (segment_start, segment_end), tokens in zip(segments, sizes, strict=True):
        if size and size + tokens > limit:
            pieces += _fitted(text[start:segment_start], count_tokens, limit)
            start, size = segment_start, 0
        if tokens > limit:  # too long on its own: cut it at finer breaks
            pieces += _split(text[segment_start:segment_end], count_tokens, limit, level + 1)
            start = segment_end
            continue
        size += tokens
        if size >= target:
            pieces += _fitted(text[start:segment_end], count_tokens, limit)
            start, size = segment_end, 0
    if start < len(text):
        pieces += _fitted(text[start:], count_tokens, limit)
    return pieces


def _fitted(piece: str, count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """`piece` as packed from segments whose token counts summed to at most `limit`; a tokenizer
    may count the whole a little differently, so check, and halve it in the rare case it is over."""
    piece = piece.strip()
    if not piece:
        return []
    if count_tokens(piece) <= limit:
        return [piece]
    return _halve(piece, count_tokens, limit)


def _halve(text: str, count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Last resort for a run with no break that fits (a long URL, unpunctuated CJK): cut at the
    space nearest the middle, else at the middle character (never inside a combining sequence)."""
    middle = len(text) // 2
    spaces = [match.start() for match in re.finditer(r"\s", text)]
    if spaces:
        middle = min(spaces, key=lambda position: abs(position - middle))
    else:
        while middle < len(text) and unicodedata.combining(text[middle]):
            middle += 1
    if middle in (0, len(text)):
        return [text]  # a single character (or combining sequence): cannot be cut
    pieces: list[str] = []
    for part in (text[:middle].strip(), text[middle:].strip()):
        if part:
            pieces += [part] if count_tokens(part) <= limit else _halve(part, count_tokens, limit)
    return pieces


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


# Loaded translators and tokenizers, shared by every engine: loading a Transformer-base model
# takes ~0.5 s and hundreds of MB, so it is done once per process and model version.
_translators: dict[tuple[str, str, int], ctranslate2.Translator] = {}
_tokenizers: dict[tuple[str, str, int], Tokenizer] = {}
_loaded_lock = threading.Lock()


def _model_key(model: InstalledModel) -> tuple[str, str, int]:
    model_bin = model.path / "model" / "model.bin"
    try:
        stamp = model_bin.stat().st_mtime_ns
    except OSError as error:
        raise InputError(model_bin, f"cannot read the model ({error.strerror})") from error
    return str(model.path.resolve()), model.digest, stamp


def load_translator(model: InstalledModel) -> ctranslate2.Translator:
    """The warm Translator of an installed package, loaded on first use."""
    return _loaded(_translators, model, lambda: _open_translator(model.path / "model"))


def load_tokenizer(model: InstalledModel) -> Tokenizer:
    """The package's tokenizer, loaded on first use (SentencePiece: 60-80 ms)."""
    return _loaded(_tokenizers, model, lambda: _open_tokenizer(model))


def _loaded(store: dict, model: InstalledModel, load: Callable):
    """What `store` holds for this version of the package, loaded with `load` if need be."""
    key = _model_key(model)
    with _loaded_lock:
        value = store.get(key)
        if value is None:
            value = load()
            stale = [other for other in store if other[0] == key[0]]
            for other in stale:  # a reinstalled package: drop the old version's memory
                del store[other]
            store[key] = value
        return value


@dataclass(frozen=True)
class Device:
    name: str  # "cpu" or "cuda"
    compute_type: str


def choose_device(
    preference: str | None = None,
    *,
    cuda_devices: Callable[[], int] = ctranslate2.get_cuda_device_count,
    supported_types: Callable[[str], set[str]] = ctranslate2.get_supported_compute_types,
) -> Device:
    """The GPU when there is one (unless BIREADER_DEVICE=cpu), with the fastest compute type
    it supports for int8 packages; else the CPU with what CTranslate2's "auto" picks there."""
    wanted = (preference or os.environ.get(DEVICE_ENV) or "auto").strip().lower()
    if wanted not in DEVICE_PREFERENCES:
        raise ReaderError(
            f"{DEVICE_ENV}={wanted!r}: expected one of {', '.join(DEVICE_PREFERENCES)}"
        )
    if wanted != "cpu" and cuda_devices() > 0:
        return Device("cuda", _first_supported(CUDA_COMPUTE_TYPES, supported_types("cuda")))
    if wanted == "cuda":
        raise ReaderError(f"{DEVICE_ENV}=cuda, but CTranslate2 finds no CUDA device")
    return Device("cpu", _first_supported(CPU_COMPUTE_TYPES, supported_types("cpu")))


def _first_supported(preferred: tuple[str, ...], supported: set[str]) -> str:
    return next((kind for kind in preferred if kind in supported), "auto")


def _open_translator(
    model_dir: Path, threads: tuple[int, int] | None = None
) -> ctranslate2.Translator:
    inter_threads, intra_threads = threads or thread_layout()
    device = choose_device()
    try:
        return ctranslate2.Translator(
            str(model_dir),
            device=device.name,
            compute_type=device.compute_type,
            inter_threads=inter_threads,
            intra_threads=intra_threads,
        )
    except (RuntimeError, ValueError, OSError) as error:
        raise InputError(model_dir, f"the model is damaged or unreadable ({error})") from error


def unload_translators() -> None:
    """Forget every loaded model (benchmarks measuring cold starts; freeing memory)."""
    with _loaded_lock:
        _translators.clear()
        _tokenizers.clear()


class PackageModel:
    """One installed package ready to translate: its tokenizer and its warm Translator."""

    def __init__(
        self,
        model: InstalledModel,
        stats: EngineStats,
        *,
        tokenizer: Tokenizer | None = None,
        translator: ctranslate2.Translator | None = None,
    ):
        """The shared warm tokenizer and Translator, unless given others."""
        self.info = model
        self.tokenizer = tokenizer or load_tokenizer(model)
        self.translator = translator or load_translator(model)
        self._stats = stats

    def encode(self, sentence: str) -> list[str]:
        return self.tokenizer.encode(sentence)

    def pieces(self, sentence: str, limit: int = PIECE_TOKENS) -> list[str]:
        """`sentence` cut into pieces of at most `limit` tokens each (itself if it fits)."""
        return split_text(sentence, lambda text: len(self.encode(text)), limit)

    def translate_tokens(
        self,
        batch: Sequence[Sequence[str]],
        *,
        beam_size: int = DEFAULT_BEAM_SIZE,
        max_decoding_length: int | None = None,
    ) -> list[list[str]]:
        """Translate tokenized sentences in one `translate_batch` call; returns target tokens.

        Inputs over CTranslate2's max_input_length (1024) are cut there: translate_once splits
        long sentences before they come here. `max_decoding_length`: see decoding_limit."""
        if not batch:
            return []
        longest = max(len(tokens) for tokens in batch)
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
                max_decoding_length=max_decoding_length or decoding_limit(longest),
            )
        except (RuntimeError, ValueError) as error:
            raise ReaderError(f"{self.info.path}: translation failed ({error})") from error
        outputs = [result.hypotheses[0] for result in results]
        self._stats.record(
            len(batch),
            sum(len(sentence) for sentence in batch),
            sum(len(output) for output in outputs),
            time.perf_counter() - started,
        )
        return outputs

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
        self._models: dict[tuple[Path, str, str], PackageModel] = {}  # (path, digest, prefix)
        self._lock = threading.Lock()

    def model(self, installed: InstalledModel) -> PackageModel:
        # A multi-pair package serves each pair with its own target prefix (one Translator).
        key = (installed.path, installed.digest, installed.target_prefix)
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
        """One translation per sentence, in input order.

        Sentences up to LONG_SENTENCE_TOKENS go to the model together in one call, exactly as if
        no long sentence were there. A longer one is cut into pieces (see PackageModel.pieces),
        which are translated in calls of their own, and its translation is theirs joined by a
        space: one sentence still gets one translation, nothing cut off."""
        tokenized = [model.encode(sentence) for sentence in sentences]
        long = [i for i, tokens in enumerate(tokenized) if len(tokens) > LONG_SENTENCE_TOKENS]
        if not long:
            return self._translate_sorted(model, tokenized, beam_size=beam_size)
        translations = [""] * len(sentences)
        normal = [i for i, tokens in enumerate(tokenized) if len(tokens) <= LONG_SENTENCE_TOKENS]
        normal_texts = self._translate_sorted(
            model, [tokenized[i] for i in normal], beam_size=beam_size
        )
        for index, text in zip(normal, normal_texts, strict=True):
            translations[index] = text
        self.stats.record_split(len(long))
        pieces = [model.pieces(sentences[i]) for i in long]
        piece_texts = iter(
            self._translate_sorted(
                model,
                [model.encode(piece) for split in pieces for piece in split],
                beam_size=beam_size,
                tokens_per_call=PIECE_CALL_TOKENS,
            )
        )
        for index, split in zip(long, pieces, strict=True):
            parts = (next(piece_texts) for _ in split)
            translations[index] = " ".join(part for part in parts if part)
        return translations

    @staticmethod
    def _translate_sorted(
        model: PackageModel,
        tokenized: Sequence[Sequence[str]],
        *,
        beam_size: int,
        tokens_per_call: int | None = None,
    ) -> list[str]:
        """Translate in one call, or in calls of about `tokens_per_call` source tokens."""
        # Similar lengths side by side waste less padding; results go back in input order.
        order = sorted(range(len(tokenized)), key=lambda i: len(tokenized[i]))
        calls: list[list[int]] = [[]]
        size = 0
        for index in order:
            tokens = len(tokenized[index])
            if tokens_per_call and calls[-1] and size + tokens > tokens_per_call:
                calls.append([])
                size = 0
            calls[-1].append(index)
            size += tokens
        translations = [""] * len(tokenized)
        for call in calls:
            outputs = model.translate_tokens([tokenized[i] for i in call], beam_size=beam_size)
            for index, output in zip(call, outputs, strict=True):
                translations[index] = model.decode(output)
        return translations


@dataclass(frozen=True)
class TrialTranslation:
    unknown_share: float  # of the sentence's tokens, the share the model's vocabulary lacks
    translation: str


def trial_translation(model: InstalledModel, sentence: str) -> TrialTranslation:
    """Translate one sentence greedily with the package's tokenizer and model, loaded afresh on
    one core and not kept, as a check before the package is installed (`packages`): the tokenizer
    a reader would use, the same decoding, at most TRIAL_MAX_DECODING_LENGTH tokens.

    Raises InputError naming a file that does not load, ReaderError if translation fails."""
    package = PackageModel(
        model,
        EngineStats(),
        tokenizer=_open_tokenizer(model),
        translator=_open_translator(model.path / "model", threads=(1, 1)),
    )
    tokens = package.encode(sentence)
    [output] = package.translate_tokens(
        [tokens], beam_size=1, max_decoding_length=TRIAL_MAX_DECODING_LENGTH
    )
    vocabulary = source_vocabulary(model.path / "model")
    unknown = sum(token not in vocabulary for token in tokens) if vocabulary else 0
    return TrialTranslation(unknown / max(len(tokens), 1), package.decode(output))


def source_vocabulary(model_dir: Path) -> frozenset[str]:
    """The tokens a CTranslate2 model knows on its input side; empty if no vocabulary file is
    found (a format we do not know: nothing to compare with)."""
    for name in SOURCE_VOCABULARY_FILES:
        path = model_dir / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            tokens = json.loads(text) if name.endswith(".json") else text.splitlines()
        except (OSError, ValueError, RecursionError) as error:
            raise InputError(path, f"unreadable vocabulary ({error})") from error
        return frozenset(token for token in tokens if isinstance(token, str))
    return frozenset()
