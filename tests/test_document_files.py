"""Opening the file a user named: special files are refused saying what they are, without
blocking; size limits hold for the bytes actually read; a file that vanishes mid-import is
an `InputError` like any other."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from reader.core.documents import load_document
from reader.core.documents.files import SizeLimit, read_document_bytes
from reader.core.documents.importers import RawDocument, registry
from reader.core.errors import InputError

TEXT = "Điều 1. Phạm vi điều chỉnh của nghị định này.\n"


def _refusal(path: Path) -> str:
    with pytest.raises(InputError) as refused:
        load_document(path)
    assert refused.value.path == path
    return refused.value.problem


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "notes.txt"
    os.mkfifo(fifo)
    outcome: list[str] = []
    reader = threading.Thread(target=lambda: outcome.append(_refusal(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert outcome == ["is a FIFO, not a document"]


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/dev/zero", "is a device, not a document"),
        ("/proc/self/status", "kernel"),
    ],
)
def test_devices_and_kernel_files_say_what_they_are(path: str, problem: str) -> None:
    if not Path(path).exists():
        pytest.skip(f"no {path} here")
    assert problem in _refusal(Path(path))


def test_links_say_what_is_wrong_with_them(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "moved.txt")
    assert _refusal(loop) == "symbolic link loop"
    assert _refusal(dangling).startswith("broken symbolic link (to ")


def test_a_path_through_a_file_is_not_a_missing_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text(TEXT, encoding="utf-8")
    assert "is a file, not a folder" in _refusal(plain / "inner.txt")


def test_the_limit_counts_the_bytes_read_not_the_size_seen_before(tmp_path: Path) -> None:
    """A file that grows after it was checked is cut off at the limit, not read whole."""
    limit = SizeLimit(len(TEXT.encode()), "text file", " for text")
    growing = tmp_path / "growing.txt"
    growing.write_text(TEXT, encoding="utf-8")
    assert read_document_bytes(growing, limit) == TEXT.encode()
    with growing.open("a", encoding="utf-8") as stream:
        stream.write("x")
    with pytest.raises(InputError, match=r"text file is too large \(more than 0 MiB"):
        read_document_bytes(growing, limit)


def test_a_file_deleted_while_it_is_imported_is_an_input_error(tmp_path: Path, monkeypatch):
    path = tmp_path / "vanishing.vanish"
    path.write_text(TEXT, encoding="utf-8")

    class VanishingImporter:
        """Reads its file by name after the loader checked it, as the container formats do."""

        name = "vanish"
        extensions = (".vanish",)

        def sniff(self, path: Path, head: bytes) -> bool:
            return False

        def read(self, path: Path) -> RawDocument:
            path.unlink()
            path.read_bytes()
            raise AssertionError("unreachable")

    monkeypatch.setattr(registry, "IMPORTERS", (*registry.IMPORTERS, VanishingImporter()))
    assert _refusal(path) == "was deleted or moved while it was read"


def test_warnings_of_the_decoding_reach_the_document(tmp_path: Path) -> None:
    path = tmp_path / "decree.txt"
    good = TEXT.encode() * 20
    path.write_bytes(good + b"\xff" + good)
    document = load_document(path)
    assert document.warnings == (f"{path}: invalid UTF-8 at byte {len(good)} (replaced)",)
    clean = tmp_path / "clean.txt"
    clean.write_bytes(good)
    assert load_document(clean).warnings == ()
