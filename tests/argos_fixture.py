"""Builds tiny but real Argos Translate packages (`.argosmodel`) for tests and benchmarks.

A package built here is what Argos itself would load: a zip with one top directory holding
`metadata.json`, a CTranslate2 Transformer in `model/` (written with `ctranslate2.specs` from
seeded random numpy weights) and a `sentencepiece.model` trained on the sample document plus some
English. The model translates nonsense, but it is a real encoder-decoder run by the real
CTranslate2, so tokenisation, batching, beam search and detokenisation are all exercised.

Two tricks make its output usable in tests:
* termination: one hidden dimension of the decoder's position encodings ramps up with the
  position and only the `</s>` row of the output projection reads it, so `</s>` becomes likely
  after a dozen or so tokens (or certain at exactly `fixed_output_length` tokens);
* variety: weights are random but fixed by `seed`, and the source reaches the output through
  cross-attention, so different sentences get different translations.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import sentencepiece as spm
from ctranslate2.specs import transformer_spec

SAMPLE_VI = Path(__file__).resolve().parents[1] / "resources" / "samples" / "bvctnb-2023.vi.txt"

# A little English so that pieces for the target side exist too.
SAMPLE_EN = """\
The protection of internal politics is an important part of building the Party.
In 2023, the whole sector made great efforts to advise and complete the assigned tasks.
The Central Organization Commission issued guidance on the protection of internal politics.
Officials and party members must be clean, strong and united.
The review of political standards was carried out strictly and on time.
Directions and tasks for 2024 were set out at the conference held in Hanoi.
Reading a document side by side with its translation helps a learner understand it.
Numbers such as 2020-2025, 32-TB/TW and 18/8/2023 appear in official texts.
"""

LANGUAGE_NAMES = {
    "vi": "Vietnamese",
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "zh": "Chinese",
}

# The shape of the real Argos models (OpenNMT-py Transformer-base, int8), for benchmarks.
TRANSFORMER_BASE = {
    "vocab_size": 32_000,
    "layers": 6,
    "d_model": 512,
    "heads": 8,
    "ffn": 2048,
    "quantization": "int8",
}

_MAX_POSITIONS = 1024
_EOS_DIM = 0  # hidden dimension carrying the "time to stop" signal


def build_argos_package(
    dest_dir: Path | str,
    from_code: str = "vi",
    to_code: str = "en",
    *,
    vocab_size: int = 600,
    layers: int = 2,
    d_model: int = 64,
    heads: int = 4,
    ffn: int | None = None,
    target_prefix: str = "",
    seed: int = 0,
    quantization: str | None = None,
    fixed_output_length: int | None = None,
    with_spacy: bool = False,
    package_version: str = "1.0",
    extra_symbols: tuple[str, ...] = (),
) -> Path:
    """Write `translate-<from>_<to>-<version>.argosmodel` into `dest_dir` and return its path.

    `vocab_size` above what the sample text supports is reached with synthetic pieces
    (user-defined symbols), so a Transformer-base sized vocabulary (32k) can be built.
    `fixed_output_length` makes every translation exactly that many tokens long (benchmarks);
    otherwise lengths vary but stay short. `with_spacy` adds a blank multilingual spaCy pipeline
    in `spacy/` so that argostranslate (ARGOS_CHUNK_TYPE=SPACY) finds a sentencizer offline.
    `extra_symbols`: more whole tokens (the language tokens of a multi-pair package).
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    name = f"translate-{from_code}_{to_code}-{package_version.replace('.', '_')}"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / name
        root.mkdir()
        sp_model = _train_sentencepiece(vocab_size, (target_prefix, *extra_symbols))
        (root / "sentencepiece.model").write_bytes(sp_model)
        pieces = _pieces(sp_model)
        spec = _transformer_spec(
            pieces,
            layers=layers,
            d_model=d_model,
            heads=heads,
            ffn=ffn or 2 * d_model,
            seed=seed,
            fixed_output_length=fixed_output_length,
        )
        spec.validate()
        spec.optimize(quantization=quantization)
        (root / "model").mkdir()
        spec.save(str(root / "model"))
        metadata = _metadata(from_code, to_code, package_version, target_prefix)
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text(f"Test package {from_code}->{to_code}\n", encoding="utf-8")
        if with_spacy:
            _save_blank_spacy(root / "spacy")
        archive = dest_dir / f"{name}.argosmodel"
        _zip_dir(root, archive)
    return archive


def extract_package(archive: Path, dest_dir: Path) -> Path:
    """Unzip a package and return its top directory (what an installer would produce)."""
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(dest_dir)
        top = zipped.namelist()[0].split("/")[0]
    return Path(dest_dir) / top


def _metadata(from_code: str, to_code: str, version: str, target_prefix: str) -> dict:
    metadata = {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": LANGUAGE_NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": LANGUAGE_NAMES.get(to_code, to_code),
        "type": "translate",
        "links": [],
    }
    if target_prefix:
        metadata["target_prefix"] = target_prefix
    return metadata


def _training_lines() -> list[str]:
    text = SAMPLE_VI.read_text(encoding="utf-8") + "\n" + SAMPLE_EN
    return [line.strip() for line in text.splitlines() if line.strip()]


def _train_sentencepiece(vocab_size: int, whole_tokens: tuple[str, ...]) -> bytes:
    """Train on the sample; pad up to `vocab_size` with synthetic user-defined pieces."""
    natural_size = min(vocab_size, 600)
    symbols = [token for token in whole_tokens if token]
    symbols += [f"⟨{i:05d}⟩" for i in range(max(0, vocab_size - natural_size - len(symbols)))]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_training_lines()),
        model_writer=model,
        vocab_size=natural_size + len(symbols),
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        user_defined_symbols=symbols,
        num_threads=1,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    return model.getvalue()


def _pieces(sp_model: bytes) -> list[str]:
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _transformer_spec(
    pieces: list[str],
    *,
    layers: int,
    d_model: int,
    heads: int,
    ffn: int,
    seed: int,
    fixed_output_length: int | None,
) -> transformer_spec.TransformerSpec:
    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config(layers, heads)
    vocab = len(pieces)
    _fill_encoder(spec.encoder, rng, vocab, d_model, ffn)
    _fill_decoder(spec.decoder, rng, vocab, d_model, ffn)
    _install_stop_signal(spec.decoder, pieces.index("</s>"), d_model, fixed_output_length)
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    return spec


def _weights(rng: np.random.Generator, *shape: int) -> np.ndarray:
    fan_in = shape[-1]
    return (rng.standard_normal(shape) / math.sqrt(fan_in)).astype(np.float32)


def _linear(spec, rng: np.random.Generator, out_dim: int, in_dim: int) -> None:
    spec.weight = _weights(rng, out_dim, in_dim)
    spec.bias = (0.02 * rng.standard_normal(out_dim)).astype(np.float32)


def _layer_norm(spec, d_model: int) -> None:
    spec.gamma = np.ones(d_model, dtype=np.float32)
    spec.beta = np.zeros(d_model, dtype=np.float32)


def _ffn(spec, rng: np.random.Generator, d_model: int, ffn: int) -> None:
    _layer_norm(spec.layer_norm, d_model)
    _linear(spec.linear_0, rng, ffn, d_model)
    _linear(spec.linear_1, rng, d_model, ffn)


def _self_attention(spec, rng: np.random.Generator, d_model: int) -> None:
    _layer_norm(spec.layer_norm, d_model)
    _linear(spec.linear[0], rng, 3 * d_model, d_model)  # fused query/key/value
    _linear(spec.linear[1], rng, d_model, d_model)


def _cross_attention(spec, rng: np.random.Generator, d_model: int) -> None:
    _layer_norm(spec.layer_norm, d_model)
    _linear(spec.linear[0], rng, d_model, d_model)  # query
    _linear(spec.linear[1], rng, 2 * d_model, d_model)  # fused key/value from the encoder
    _linear(spec.linear[2], rng, d_model, d_model)


def _embeddings(rng: np.random.Generator, vocab: int, d_model: int) -> np.ndarray:
    # Scaled by sqrt(d_model) at run time (scale_embeddings): keep them comparable to positions.
    return (rng.standard_normal((vocab, d_model)) / math.sqrt(d_model)).astype(np.float32)


def _fill_encoder(spec, rng: np.random.Generator, vocab: int, d_model: int, ffn: int) -> None:
    spec.embeddings[0].weight = _embeddings(rng, vocab, d_model)
    spec.position_encodings.encodings = _sinusoids(d_model)
    _layer_norm(spec.layer_norm, d_model)
    for layer in spec.layer:
        _self_attention(layer.self_attention, rng, d_model)
        _ffn(layer.ffn, rng, d_model, ffn)


def _fill_decoder(spec, rng: np.random.Generator, vocab: int, d_model: int, ffn: int) -> None:
    spec.embeddings.weight = _embeddings(rng, vocab, d_model)
    spec.position_encodings.encodings = _sinusoids(d_model)
    _layer_norm(spec.layer_norm, d_model)
    for layer in spec.layer:
        _self_attention(layer.self_attention, rng, d_model)
        _cross_attention(layer.attention, rng, d_model)
        _ffn(layer.ffn, rng, d_model, ffn)
    # A large-ish output scale makes the random logits peaked, so beam search is decisive.
    _linear(spec.projection, rng, vocab, d_model)
    spec.projection.weight *= 4.0


def _sinusoids(d_model: int) -> np.ndarray:
    positions = np.arange(_MAX_POSITIONS, dtype=np.float32)[:, None]
    rates = np.exp(-math.log(10000.0) * np.arange(0, d_model, 2, dtype=np.float32) / d_model)
    table = np.zeros((_MAX_POSITIONS, d_model), dtype=np.float32)
    table[:, 0::2] = np.sin(positions * rates)
    table[:, 1::2] = np.cos(positions * rates)
    return table


def _install_stop_signal(spec, eos_id: int, d_model: int, fixed_length: int | None) -> None:
    """Route a position-dependent signal to the `</s>` logit only (see module docstring)."""
    encodings = spec.position_encodings.encodings
    projection = spec.projection
    projection.weight[:, _EOS_DIM] = 0.0
    positions = np.arange(_MAX_POSITIONS, dtype=np.float32)
    if fixed_length is None:
        encodings[:, _EOS_DIM] = 0.35 * positions  # grows until it dominates the layer norm
        projection.weight[eos_id, :] = 0.0
        projection.weight[eos_id, _EOS_DIM] = 3.0
        projection.bias[eos_id] = -6.0
    else:
        # Silent before `fixed_length`, overwhelming from there: exactly that many tokens.
        encodings[:, _EOS_DIM] = np.where(positions < fixed_length, 0.0, 1e4)
        projection.weight[eos_id, :] = 0.0
        projection.weight[eos_id, _EOS_DIM] = 1e3
        projection.bias[eos_id] = -1e4


def _save_blank_spacy(path: Path) -> None:
    import spacy  # only the test environment has spaCy

    spacy.blank("xx").to_disk(path)


def _zip_dir(root: Path, archive: Path) -> None:
    partial = archive.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(root, root.name + "/")
        for path in sorted(root.rglob("*")):
            arcname = path.relative_to(root.parent).as_posix()
            if path.is_dir():
                zipped.write(path, arcname + "/")
            else:
                zipped.write(path, arcname)
    shutil.move(partial, archive)


def offline_argos_environment(home: Path) -> dict[str, str]:
    """Environment for a subprocess running argostranslate.translate offline on the packages of
    this data directory, with every directory it touches under `home`.

    A cached "multilingual spaCy model" marker makes argostranslate skip its download attempt
    (spacy.cli.download) at import. Offline that attempt fails fast anyway (name resolution)
    and Argos falls back to the package's spacy/ directory; the marker just avoids relying on
    how fast a network failure is."""
    from reader.core.paths import models_dir

    (home / "cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "ARGOS_PACKAGES_DIR": str(models_dir()),
        "ARGOS_CHUNK_TYPE": "SPACY",
        "ARGOS_DEVICE_TYPE": "cpu",
        "HF_HUB_OFFLINE": "1",
    }
