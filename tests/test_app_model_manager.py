"""The model manager window under pytest-qt: installed models with versions and sizes, the
catalogue filtered by the document's languages, install (a file, or a download from a local
server), update offered, remove; every step through the real Workers pool."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reader.app.model_manager import ModelManager, folder_size
from reader.app.workers import Workers
from reader.core.sizes import human_size
from reader.core.translate.packages import list_installed
from tests.app_support import WAIT_MS
from tests.conftest import SHARED
from tests.range_server import RangeServer

COPY_MODEL = SHARED / "models" / "translate-vi_en-copy.argosmodel"


@pytest.fixture
def manager(qtbot):
    workers = Workers()
    dialog = ModelManager(workers.submit, ("vi", "en"))
    qtbot.addWidget(dialog, before_close_func=lambda _dialog: workers.wait())
    qtbot.waitUntil(lambda: bool(dialog.state.catalogue), timeout=WAIT_MS)
    yield dialog
    workers.wait()


def _column(tree, column: int) -> list[str]:
    return [tree.topLevelItem(i).text(column) for i in range(tree.topLevelItemCount())]


def test_install_from_a_file_shows_version_and_size_then_remove(qtbot, manager) -> None:
    assert manager.installed_tree.topLevelItemCount() == 0
    with (
        qtbot.waitSignal(manager.refreshed, timeout=WAIT_MS),
        qtbot.waitSignal(manager.models_changed, timeout=WAIT_MS) as changed,
    ):
        manager.install_file(COPY_MODEL)
    assert changed.args[0].models
    (model,) = list_installed()
    assert _column(manager.installed_tree, 0) == [model.code]
    assert _column(manager.installed_tree, 2) == [model.version]
    assert _column(manager.installed_tree, 3) == [human_size(folder_size(model.path))]
    assert "Installed translate-vi_en" in manager.status.text()
    manager.installed_tree.setCurrentItem(manager.installed_tree.topLevelItem(0))
    assert manager.remove_button.isEnabled()
    with qtbot.waitSignal(manager.refreshed, timeout=WAIT_MS):
        manager.remove_button.click()
    assert list_installed() == [] and manager.installed_tree.topLevelItemCount() == 0


def test_the_catalogue_is_filtered_by_the_documents_languages(manager) -> None:
    shown = _column(manager.available_tree, 0)
    everything = [entry.code for entry in manager.state.catalogue]
    assert shown and len(shown) < len(everything)
    assert "translate-vi_en" in shown and "translate-en_vi" in shown
    assert all(code.startswith("translate-vi_") or code == "translate-en_vi" for code in shown)
    sizes = {e.code: human_size(e.size) for e in manager.state.catalogue}
    assert _column(manager.available_tree, 3) == [sizes[code] for code in shown]
    manager.filter_box.setChecked(False)
    assert _column(manager.available_tree, 0) == everything


def test_download_with_progress_then_an_update_is_offered(qtbot, manager) -> None:
    body = COPY_MODEL.read_bytes()
    entry = next(e for e in manager.state.catalogue if e.code == "translate-vi_en")
    with RangeServer() as server:
        server.behaviour.files["/vi_en.argosmodel"] = body
        local = replace(
            entry, links=(server.url("/vi_en.argosmodel"),), size=len(body), sha256=None
        )
        local = replace(local, version=_package_version())
        with qtbot.waitSignal(manager.refreshed, timeout=WAIT_MS):
            manager.download(local)
            assert manager.busy and not manager.install_button.isEnabled()
    assert not manager.busy and [m.code for m in list_installed()] == ["translate-vi_en"]
    # the catalogue lists a newer version than this copy model's: Update is offered
    manager.installed_tree.setCurrentItem(manager.installed_tree.topLevelItem(0))
    newer = next(e for e in manager.state.catalogue if e.code == "translate-vi_en")
    status = _column(manager.installed_tree, 4)[0]
    assert status == f"{newer.version} available"
    assert manager.update_button.isEnabled()


def test_a_failed_download_says_why_and_leaves_the_buttons_usable(qtbot, manager) -> None:
    entry = next(e for e in manager.state.catalogue if e.code == "translate-vi_en")
    with (
        RangeServer() as server,  # no file there: 404
        qtbot.waitSignal(manager.finished_work, timeout=WAIT_MS) as finished,
    ):
        manager.download(replace(entry, links=(server.url("/missing"),), sha256=None))
    assert "cannot download" in finished.args[0]
    assert not manager.busy and manager.file_button.isEnabled()


def _package_version() -> str:
    from reader.core.translate.packages import read_package_metadata

    return read_package_metadata(COPY_MODEL).version
