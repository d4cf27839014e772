"""Translation throughput on a Transformer-base sized Argos package (a script, not a test).

Builds a package shaped like the real Argos vi→en one (6+6 layers, d_model 512, 8 heads, FFN 2048,
int8, ~32k vocabulary) with random weights; every translation is forced to exactly
OUTPUT_TOKENS tokens so that all contenders decode the same amount. Then, on the sample document:

  (a) argostranslate.translate.translate() on the same package, one call per sentence of our
      segmentation (so both decode the same sentences), in a subprocess, ARGOS_CHUNK_TYPE=SPACY,
      Argos's own thread settings;
  (b) the raw limit: one length-sorted Translator.translate_batch over all sentences (best of a
      few max_batch_size values), same Translator as our engine;
  (c) our engine cold: new TranslationService, empty cache, whole TranslationJob.run();
  (d) our engine on reopen: new service, the document loaded again, everything from the cache.

Model loading is excluded everywhere: each side loads its model before its clock starts.
(b) and (c) run alternately, ROUNDS times each, and the best of each counts (the CPU may be
shared with other work). Run from the repo root:
    .venv/bin/python bench/translate_throughput.py
The last line is `speedup_vs_argos=<a/c> fraction_of_limit=<b/c> reopen_model_calls=<n>`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

OUTPUT_TOKENS = 48
ROUNDS = 3
RAW_BATCH_SIZES = (4, 8, 16)

ARGOS_SCRIPT = """
import json, sys, time
import argostranslate.translate as translate
request = json.load(sys.stdin)
translate.translate("Xin chào.", "vi", "en")  # loads the model and the sentencizer
started = time.perf_counter()
outputs = [translate.translate(sentence, "vi", "en") for sentence in request["sentences"]]
json.dump({"seconds": time.perf_counter() - started, "outputs": outputs}, sys.stdout)
"""


def build_package(directory: Path) -> Path:
    from tests.argos_fixture import TRANSFORMER_BASE, build_argos_package

    return build_argos_package(
        directory,
        "vi",
        "en",
        **TRANSFORMER_BASE,
        fixed_output_length=OUTPUT_TOKENS,
        with_spacy=True,  # so argostranslate finds a sentencizer offline
    )


def run_argos(sentences: list[str], home: Path) -> dict:
    from tests.argos_fixture import offline_argos_environment

    environment = offline_argos_environment(home)
    completed = subprocess.run(
        [sys.executable, "-c", ARGOS_SCRIPT],
        input=json.dumps({"sentences": sentences}),
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(f"argostranslate failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout)


def raw_limit_runner(model, sentences: list[str]):
    """A function timing one sorted translate_batch over everything, at the best batch size."""
    from reader.core.translate.engine import ARGOS_LENGTH_PENALTY, load_tokenizer, load_translator

    translator = load_translator(model)
    tokenizer = load_tokenizer(model)
    tokens = sorted((tokenizer.encode(sentence) for sentence in sentences), key=len)

    def run(size: int) -> float:
        started = time.perf_counter()
        translator.translate_batch(
            tokens,
            max_batch_size=size,
            beam_size=4,
            length_penalty=ARGOS_LENGTH_PENALTY,
            replace_unknowns=True,
        )
        return time.perf_counter() - started

    best_size = min(RAW_BATCH_SIZES, key=run)  # a first sweep picks the batch size
    return best_size, lambda: run(best_size)


def run_job(database_path: Path, document_path: Path):
    """One full job in a new service: (job stats, engine stats, delivered sentences)."""
    from reader.core.documents import load_document
    from reader.core.storage import open_database
    from reader.core.translate.service import TranslationService

    service = TranslationService(open_database(database_path))
    document = load_document(document_path, language="vi")
    route = service.route("vi", "en")
    service.engine.model(route.models[0])  # tokenizer and warm Translator: not timed
    outputs = {}

    def collect(batch) -> None:
        outputs.update({(s.block_index, s.sentence_index): s for s in batch})

    job = service.create_job(document, route, on_sentences=collect)
    stats = job.run()
    return stats, service.engine.stats, outputs


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bireader-bench-") as tmp:
        tmp_dir = Path(tmp)
        os.environ["BIREADER_HOME"] = str(tmp_dir / "home")
        from reader.core.documents import load_document
        from reader.core.paths import sample_document
        from reader.core.translate.engine import thread_layout
        from reader.core.translate.packages import install_package_file

        started = time.perf_counter()
        model = install_package_file(build_package(tmp_dir / "build"))
        build_seconds = time.perf_counter() - started
        print(f"built and installed a Transformer-base package in {build_seconds:.1f} s")
        document = load_document(sample_document(), language="vi")
        sentences = [sentence.text for _, sentence in document.iter_sentences()]
        inter, intra = thread_layout()
        print(
            f"document: {len(sentences)} sentences, {sum(map(len, sentences))} chars; "
            f"{OUTPUT_TOKENS} output tokens each; beam 4; {os.cpu_count()} cores; "
            f"our Translator: inter_threads={inter} intra_threads={intra}"
        )

        argos = run_argos(sentences, tmp_dir / "argos-home")
        argos_seconds = argos["seconds"]
        print(f"(a) argostranslate, one translate() per sentence: {argos_seconds:.2f} s")

        # (b) and (c) alternate, so that both see the same background load; best of ROUNDS each.
        limit_batch, run_limit = raw_limit_runner(model, sentences)
        limit_runs, cold_runs = [], []
        for round_number in range(ROUNDS):
            limit_runs.append(run_limit())
            cold_runs.append(run_job(tmp_dir / f"cold-{round_number}.sqlite3", sample_document()))
        limit_seconds = min(limit_runs)
        print(
            f"(b) raw limit, one sorted translate_batch (max_batch_size={limit_batch}): "
            f"{limit_seconds:.2f} s (runs: {', '.join(f'{s:.2f}' for s in limit_runs)})"
        )
        cold, _, outputs = min(cold_runs, key=lambda run: run[0].seconds)
        cold_times = ", ".join(f"{run[0].seconds:.2f}" for run in cold_runs)
        same = sum(
            1
            for sentence in outputs.values()
            if argos["outputs"][sentences.index(sentence.source)] == sentence.translation
        )
        print(
            f"(c) our engine cold (empty cache, model preloaded): {cold.seconds:.2f} s "
            f"(runs: {cold_times}), first batch after {cold.first_batch_seconds:.2f} s, "
            f"{cold.model_calls} batches; "
            f"identical to Argos for {same}/{len(outputs)} sentences"
        )

        reopen, reopen_engine, _ = run_job(tmp_dir / "cold-0.sqlite3", sample_document())
        print(
            f"(d) our engine on reopen: {reopen.seconds:.3f} s, {reopen.cached} cached, "
            f"{reopen_engine.model_calls} model calls"
        )

        speedup = argos_seconds / cold.seconds
        fraction = limit_seconds / cold.seconds
        print(f"goals: (c) >= 1.8x faster than (a): {speedup:.2f}x; (b)/(c) >= 0.9: {fraction:.2f}")
        print(
            f"speedup_vs_argos={speedup:.2f} fraction_of_limit={fraction:.2f} "
            f"reopen_model_calls={reopen_engine.model_calls}"
        )


if __name__ == "__main__":
    main()
