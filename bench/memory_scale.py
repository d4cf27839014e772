"""Peak memory and time of large imports, and how long removing a large document blocks others.

Each case runs in a fresh process with its own BIREADER_HOME, so its peak RSS is its own:
- importing 30 MiB of Vietnamese text (`library add`);
- importing a text of 1M short sentences;
- importing an HTML page of 100k `<p>`;
- importing a DOCX that references a 500 MB image (deflated, so the file itself is small);
- translating a 1 MB text (every sentence different) with a Transformer-base sized package
  (tests/argos_fixture.py, random weights, every translation TRANSLATION_TOKENS long), the
  package built and installed beforehand in another process;
- removing a document of 150k sentences while another process writes to the library every 50 ms:
  the removal's seconds and the longest wait of that other writer.

Goals (issue 12): ≤ 300 MB for 30 MiB of text, ≤ 500 MB for 1M sentences, ≤ 300 MB for the DOCX;
removal ≤ 3 s for 150k sentences with no other writer waiting more than 1 s.

Run: `.venv/bin/python bench/memory_scale.py [--only NAME...]` (translate-1MB takes minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SENTENCE = "Ủy ban nhân dân tỉnh báo cáo kết quả thực hiện Nghị quyết số 32-TB/TW của Bộ Chính trị."
TRANSLATION_TOKENS = 16

IMPORT = """
import json, resource, sys, time
from reader.core.errors import ReaderError
from reader.core.library import add_document
from reader.core.storage import open_database
started = time.monotonic()
try:
    result = add_document(open_database(), sys.argv[1])
    outcome = f"{result.document.sentence_count} sentences"
except ReaderError as error:
    outcome = f"refused: {error}"
print(json.dumps({"seconds": time.monotonic() - started, "outcome": outcome,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

REMOVE = """
import json, resource, subprocess, sys, time
from reader.core.library import add_document, remove_document
from reader.core.storage import open_database
database = open_database()
big = add_document(database, sys.argv[1]).document_id
small = add_document(database, sys.argv[2]).document_id
writer = subprocess.Popen([sys.executable, "-c", sys.argv[3], str(small)],
                          stdout=subprocess.PIPE, text=True)
time.sleep(1.0)
started = time.monotonic()
remove_document(database, big)
seconds = time.monotonic() - started
time.sleep(1.0)
writer.terminate()
longest = float(writer.communicate()[0].split()[-1])
print(json.dumps({"seconds": seconds, "outcome": f"other writer waited ≤ {longest:.2f} s",
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

INSTALL = """
import json, sys
from pathlib import Path
from reader.core.translate.packages import install_package_file
print(json.dumps({"installed": install_package_file(Path(sys.argv[1])).path.name}))
"""

TRANSLATE = """
import json, resource, sys, time
from reader.core.documents import load_document
from reader.core.storage import open_database
from reader.core.translate.service import TranslationService
started = time.monotonic()
service = TranslationService(open_database())
document = load_document(sys.argv[1], language="vi")
job = service.create_job(document, service.route("vi", "en"), on_sentences=lambda batch: None)
stats = job.run()
print(json.dumps({"seconds": time.monotonic() - started,
                  "outcome": f"{stats.translated} of {document.sentence_count} sentences",
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# Marks a document opened every 50 ms and prints the longest single write (flushed as it goes).
WRITER = """
import signal, sys, time
from reader.core.library import mark_opened
from reader.core.storage import open_database
database, longest = open_database(), 0.0
signal.signal(signal.SIGTERM, lambda *_: (print(longest, flush=True), sys.exit(0)))
while True:
    started = time.monotonic()
    mark_opened(database, int(sys.argv[1]))
    longest = max(longest, time.monotonic() - started)
    time.sleep(0.05)
"""


def text_of_size(path: Path, mebibytes: int) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        paragraph = 0
        while stream.tell() < mebibytes * 2**20:
            stream.write(f"Đoạn {paragraph}. " + " ".join([SENTENCE] * 5) + "\n\n")
            paragraph += 1
    return path


def text_of_sentences(path: Path, sentences: int, per_paragraph: int = 10) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        for start in range(0, sentences, per_paragraph):
            stream.write(" ".join(f"Câu {start + i} xong." for i in range(per_paragraph)))
            stream.write("\n\n")
    return path


def text_of_distinct_sentences(path: Path, mebibytes: float) -> Path:
    """Sentences that differ (a number in each), so that none is translated from another's."""
    with path.open("w", encoding="utf-8") as stream:
        sentence = 0
        while stream.tell() < mebibytes * 2**20:
            numbers = range(sentence, sentence + 5)
            stream.write(" ".join(SENTENCE.replace("32", str(n)) for n in numbers) + "\n\n")
            sentence += 5
    return path


def translation_of_1mb(work: Path) -> dict:
    sys.path.insert(0, str(REPO))
    from tests.argos_fixture import TRANSFORMER_BASE, build_argos_package

    package = build_argos_package(
        work / "package", **TRANSFORMER_BASE, fixed_output_length=TRANSLATION_TOKENS
    )
    home = tempfile.mkdtemp()
    installed = run(INSTALL, str(package), home=home)
    if "installed" not in installed:
        return installed  # the failure
    return run(TRANSLATE, str(text_of_distinct_sentences(work / "1MB.txt", 1)), home=home)


def html_of_paragraphs(path: Path, paragraphs: int) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        stream.write("<!DOCTYPE html><html lang='vi'><body>\n")
        for index in range(paragraphs):
            stream.write(f"<p>Đoạn văn {index}: {SENTENCE}</p>\n")
        stream.write("</body></html>\n")
    return path


def docx_with_big_image(path: Path, image_bytes: int = 500 * 10**6) -> Path:
    from docx import Document

    document = Document()
    for index in range(200):
        document.add_paragraph(f"Đoạn {index}. {SENTENCE}")
    plain = path.with_suffix(".plain.docx")
    document.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"<Default ", b'<Default Extension="png" ContentType="image/png"/><Default ', 1
                )
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
        member = zipfile.ZipInfo("word/media/image1.png")
        member.compress_type = zipfile.ZIP_DEFLATED
        with target.open(member, "w", force_zip64=True) as image:
            image.write(b"\x89PNG\r\n\x1a\n")
            chunk = bytes(2**20)
            for _ in range(image_bytes // len(chunk)):
                image.write(chunk)
    plain.unlink()
    return path


def run(script: str, *args: str, home: str | None = None) -> dict:
    env = {**os.environ, "BIREADER_HOME": home or tempfile.mkdtemp(), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        return {"seconds": 0.0, "peak_mib": 0.0, "outcome": done.stderr.strip()[-200:]}
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bireader-memory-"))
    cases = {
        "text-30MiB": lambda: run(IMPORT, str(text_of_size(work / "30.txt", 30))),
        "sentences-1M": lambda: run(IMPORT, str(text_of_sentences(work / "1M.txt", 1_000_000))),
        "html-100k-p": lambda: run(IMPORT, str(html_of_paragraphs(work / "p.html", 100_000))),
        "docx-500MB-image": lambda: run(IMPORT, str(docx_with_big_image(work / "big.docx"))),
        "translate-1MB": lambda: translation_of_1mb(work),
        "remove-150k": lambda: run(
            REMOVE,
            str(text_of_sentences(work / "150k.txt", 150_000)),
            str(text_of_sentences(work / "small.txt", 10)),
            WRITER,
        ),
    }
    print(f"{'case':>18} {'seconds':>8} {'peak RSS':>10}  outcome")
    for name, case in cases.items():
        if args.only and not any(part in name for part in args.only):
            continue
        result = case()
        print(
            f"{name:>18} {result['seconds']:8.1f} {result['peak_mib']:7.0f} MiB  "
            f"{result['outcome'][:90]}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
