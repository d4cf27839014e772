"""OCR in the window: the missing OCR data offered (downloaded or installed from a file, then
the scan opened again), page-by-page progress in the status bar, and cancelling between pages.

Real tesserocr with the real `vie` data (tests/ocr_support.py); the download is served by the
loopback range server."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
from PIL import ImageDraw, ImageFilter
from PySide6.QtWidgets import QFileDialog

from reader.app.reading.missing_model_panel import format_size
from reader.core.ocr import data as ocr_data
from reader.core.ocr.data import find_data
from reader.core.side import Side
from tests.app_support import WAIT_MS, make_window
from tests.ocr_support import KNOWN_TEXT, OTHER_TEXT, VIE_DATA, as_scanned, text_page
from tests.range_server import RangeServer

pytestmark = pytest.mark.usefixtures("bireader_home", "no_system_tessdata")


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    path = tmp_path / "scan.png"
    text_page().save(path)
    return path


def scan_of_pages(directory: Path, count: int) -> Path:
    """A TIFF of `count` pages: long enough to see progress and to cancel between pages."""
    path = directory / f"pages-{count}.tiff"
    pages = [text_page(KNOWN_TEXT if number % 2 else OTHER_TEXT) for number in range(count)]
    pages[0].save(path, save_all=True, append_images=pages[1:])
    return path


def offer_shown(qtbot, window, path: Path):
    window.open_path(path)
    qtbot.waitUntil(
        lambda: window.ocr.offer_dialog is not None and window.ocr.offer_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    return window.ocr.offer_dialog


def text_of(opened) -> str:
    return " ".join(block.text for block in opened.document.blocks)


def test_a_scan_without_ocr_data_offers_it_and_opens_once_a_file_is_installed(
    qtbot, scan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(qtbot)
    offer = offer_shown(qtbot, window, scan)
    entry = ocr_data.catalogue_entry("vie")
    message = offer.message.text()
    assert "scan.png" in message and "is a scan" in message and "Vietnamese" in message
    assert format_size(entry.size) in message
    assert offer.download_button.isEnabled() and offer.install_button.isEnabled()
    assert window.opened is None  # nothing half-opened meanwhile

    # The user picks the file in the dialog the button opens.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(VIE_DATA), ""))
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as opened:
        offer.install_button.click()
    assert find_data("vie") is not None
    assert opened.args[0].document.ocr
    assert "bình đẳng trước pháp luật" in text_of(opened.args[0])
    assert not offer.isVisible()
    assert window.ocr.status.isHidden()


def test_a_file_that_is_not_ocr_data_is_one_line_in_the_offer_and_installs_nothing(
    qtbot, scan: Path, tmp_path: Path
) -> None:
    window = make_window(qtbot)
    offer = offer_shown(qtbot, window, scan)
    fake = tmp_path / "vie.traineddata"
    fake.write_bytes(b"not tesseract data " * 8000)
    window.ocr.install_data_file(fake)
    qtbot.waitUntil(lambda: offer.error.isVisible(), timeout=WAIT_MS)
    assert "\n" not in offer.error.text() and "vie.traineddata" in offer.error.text()
    assert find_data("vie") is None
    assert offer.isVisible() and offer.install_button.isEnabled()  # the user can try again
    assert window.opened is None


def test_download_installs_the_data_then_opens_the_scan(
    qtbot, scan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = VIE_DATA.read_bytes()
    with RangeServer() as server:
        server.behaviour.files["/vie.traineddata"] = body
        entry = ocr_data.OcrDataEntry(
            "vie",
            "Vietnamese",
            server.url("/vie.traineddata"),
            len(body),
            hashlib.sha256(body).hexdigest(),
        )
        monkeypatch.setattr(ocr_data, "CATALOGUE", (entry,))
        window = make_window(qtbot)
        offer = offer_shown(qtbot, window, scan)
        with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as opened:
            offer.download_button.click()
            assert not offer.download_button.isEnabled()  # no second download meanwhile
    assert find_data("vie").path.read_bytes() == body
    assert "bình đẳng trước pháp luật" in text_of(opened.args[0])
    assert server.behaviour.requests[0][0] == "/vie.traineddata"


def test_a_failed_download_says_why_and_can_be_tried_again(
    qtbot, scan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = VIE_DATA.read_bytes()
    with RangeServer() as server:  # serves nothing: every request is a 404
        entry = ocr_data.OcrDataEntry(
            "vie", "Vietnamese", server.url("/gone"), len(body), hashlib.sha256(body).hexdigest()
        )
        monkeypatch.setattr(ocr_data, "CATALOGUE", (entry,))
        window = make_window(qtbot)
        offer = offer_shown(qtbot, window, scan)
        offer.download_button.click()
        qtbot.waitUntil(lambda: offer.error.isVisible(), timeout=WAIT_MS)
    assert "\n" not in offer.error.text()
    assert offer.download_button.isEnabled() and find_data("vie") is None
    assert window.ocr.status.isHidden()


def test_cancel_stops_a_download_in_progress(
    qtbot, scan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = VIE_DATA.read_bytes()
    with RangeServer() as server:
        server.behaviour.files["/vie.traineddata"] = body
        server.behaviour.stall_after = [100_000]  # then silent until released
        entry = ocr_data.OcrDataEntry(
            "vie",
            "Vietnamese",
            server.url("/vie.traineddata"),
            len(body),
            hashlib.sha256(body).hexdigest(),
        )
        monkeypatch.setattr(ocr_data, "CATALOGUE", (entry,))
        window = make_window(qtbot)
        offer = offer_shown(qtbot, window, scan)
        offer.download_button.click()
        status = window.ocr.status
        qtbot.waitUntil(lambda: "0.1 of 0.5 MB" in status.label.text(), timeout=WAIT_MS)
        status.cancel_button.click()
        qtbot.waitUntil(lambda: offer.error.isVisible(), timeout=WAIT_MS)
    assert "cancel" in offer.error.text() and find_data("vie") is None
    assert offer.download_button.isEnabled() and status.isHidden()


@pytest.mark.usefixtures("vie_installed")
def test_reading_a_scan_shows_each_page_in_the_status_bar(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot)
    shown: list[str] = []
    # Connected after the window's own slot: the label already says the page being read.
    window.ocr.page_relay.changed.connect(lambda *_: shown.append(window.ocr.status.label.text()))
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as opened:
        window.open_path(scan_of_pages(tmp_path, 4))
    reading = [f"Reading page {page} of 4 (OCR)…" for page in (2, 3, 4)]
    assert shown == [*reading, "Read 4 pages (OCR); preparing the text…"]
    assert window.ocr.status.isHidden()
    text = text_of(opened.args[0])
    assert "bình đẳng" in text and "Chị Dậu" in text


@pytest.mark.usefixtures("vie_installed")
def test_cancel_stops_reading_between_pages(qtbot, tmp_path: Path) -> None:
    page_count = 8
    window = make_window(qtbot)
    pages_read: list[int] = []
    opened: list[object] = []
    window.document_opened.connect(opened.append)

    def first_page_read(_owner, done: int, _total: int) -> None:
        pages_read.append(done)
        if done == 1:
            window.ocr.status.cancel_button.click()

    window.ocr.page_relay.changed.connect(first_page_read)
    window.open_path(scan_of_pages(tmp_path, page_count))
    qtbot.waitUntil(lambda: "OCR cancelled" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    assert max(pages_read) < page_count  # the worker may read a page before it sees the cancel
    assert not opened and window.opened is None
    assert window.ocr.status.isHidden()
    assert window.ocr.offer_dialog is None  # a cancel is not missing data


def smudged(page, stains: int = 60, seed: int = 1):
    """The page with ink stains over some words, which OCR then reads with low confidence."""
    rng = random.Random(seed)
    page = page.copy()
    draw = ImageDraw.Draw(page)
    for _ in range(stains):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        size = (rng.randrange(10, 30), rng.randrange(6, 18))
        draw.ellipse((x, y, x + size[0], y + size[1]), fill=rng.choice((120, 170, 200)))
    return as_scanned(page, 1.2).filter(ImageFilter.GaussianBlur(1.0))


def unsure_words(document) -> list[list[str]]:
    return [[block.text[s:e] for s, e in block.ocr_low_confidence] for block in document.blocks]


@pytest.mark.usefixtures("vie_installed")
def test_low_confidence_marks_survive_reopening_the_shown_scan_from_the_library(
    qtbot, tmp_path: Path
) -> None:
    path = tmp_path / "stained.png"
    smudged(text_page(KNOWN_TEXT + OTHER_TEXT, line_chars=70)).save(path)
    window = make_window(qtbot)
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as first:
        window.open_path(path)
    marked = unsure_words(first.args[0].document)
    assert any(marked)  # the stains made OCR unsure of some words
    document_id = first.args[0].document_id
    # As after installing a model: the shown document comes back from the library.
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as again:
        window.opener.open_library_entry(document_id)
    assert unsure_words(again.args[0].document) == marked
    assert window.document_view.ocr_unsure_at(Side.ORIGINAL, *first_unsure_position(again.args[0]))
    # From the library with nothing shown, they are not known (the library keeps no marks).
    window.show_library()
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as cold:
        window.opener.open_library_entry(document_id)
    assert cold.args[0].document.ocr and not any(unsure_words(cold.args[0].document))


def first_unsure_position(opened) -> tuple[int, int]:
    block = next(block for block in opened.document.blocks if block.ocr_low_confidence)
    return block.index, block.ocr_low_confidence[0][0]
