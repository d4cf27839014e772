"""Our engine translates a sentence exactly as argostranslate does with the same package.

argostranslate runs in a subprocess (it imports torch, stanza and spaCy, and reads its settings
from the environment at import time) with every directory it touches under tmp, its packages
directory pointing at our installed package, and `ARGOS_CHUNK_TYPE=SPACY` so it splits sentences
with the blank spaCy pipeline shipped in the package instead of downloading a model.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.documents import load_document
from reader.core.storage import open_database
from reader.core.translate.packages import install_package_file
from reader.core.translate.service import TranslatedSentence, TranslationService
from tests.argos_fixture import build_argos_package, offline_argos_environment

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "samples" / "bvctnb-2023.vi.txt"

# Runs inside the subprocess: translate each sentence on its own, and report how Argos's own
# sentencizer split it (a sentence it splits further is translated as several, not comparable).
ARGOS_SCRIPT = """
import json, sys
import argostranslate.translate as translate
request = json.load(sys.stdin)
translation = translate.get_translation_from_codes(request["from"], request["to"])
sentencizer = translation.underlying.sentencizer
results = []
for sentence in request["sentences"]:
    results.append({
        "translation": translate.translate(sentence, request["from"], request["to"]),
        "chunks": len(sentencizer.split_sentences(sentence)),
    })
json.dump(results, sys.stdout)
"""


@pytest.fixture(scope="module")
def spacy_package_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("argos-spacy")
    return {
        "vi_en": build_argos_package(directory, "vi", "en", seed=0, with_spacy=True),
        "en_fr": build_argos_package(
            directory, "en", "fr", seed=1, target_prefix="<2fr>", with_spacy=True
        ),
    }


def argos_translate(
    sentences: list[str], from_code: str, to_code: str, home: Path
) -> list[dict[str, object]]:
    environment = offline_argos_environment(home)
    request = {"from": from_code, "to": to_code, "sentences": sentences}
    completed = subprocess.run(
        [sys.executable, "-c", ARGOS_SCRIPT],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)


def our_translations(from_code: str, to_code: str) -> list[TranslatedSentence]:
    """The sample through our pipeline, its abbreviations left as they are (Argos knows none)."""
    from reader.core.terms.settings import set_document_expansion

    database = open_database()
    service = TranslationService(database)
    document = load_document(SAMPLE, language=from_code)
    set_document_expansion(database, document.content_hash, False)
    delivered: list[TranslatedSentence] = []
    service.create_job(
        document, service.route(from_code, to_code), on_sentences=delivered.extend
    ).run()
    return sorted(delivered, key=lambda s: (s.block_index, s.sentence_index))


def assert_same_as_argos(ours: list[TranslatedSentence], argos: list[dict[str, object]]) -> None:
    comparable = [
        (mine, theirs) for mine, theirs in zip(ours, argos, strict=True) if theirs["chunks"] == 1
    ]
    assert len(comparable) >= 0.9 * len(ours)  # our sentences are Argos's sentences too
    mismatches = [
        (mine.source, mine.translation, theirs["translation"])
        for mine, theirs in comparable
        if mine.translation != theirs["translation"]
    ]
    assert mismatches == []


def test_document_translation_equals_argostranslate(spacy_package_files, tmp_path) -> None:
    install_package_file(spacy_package_files["vi_en"])
    ours = our_translations("vi", "en")
    argos = argos_translate([s.source for s in ours], "vi", "en", tmp_path / "argos-home")
    assert_same_as_argos(ours, argos)


def test_target_prefix_package_equals_argostranslate(spacy_package_files, tmp_path) -> None:
    install_package_file(spacy_package_files["en_fr"])
    service = TranslationService(open_database())
    route = service.route("en", "fr")
    sentences = [
        "The protection of internal politics is an important part of building the Party.",
        "Officials and party members must be clean, strong and united.",
        "Numbers such as 2020-2025, 32-TB/TW and 18/8/2023 appear in official texts.",
        "The file annual_report_v2 was sent to “the Commission” (see page 3)!",
    ]
    ours = [service.translate_text(sentence, route) for sentence in sentences]
    argos = argos_translate(sentences, "en", "fr", tmp_path / "argos-home")
    assert [result["chunks"] for result in argos] == [1] * len(sentences)
    assert ours == [result["translation"] for result in argos]
