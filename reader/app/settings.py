"""User preferences and window state, in QSettings.

With `BIREADER_HOME` set (tests, screenshots, portable use) the settings live in an INI file in
that directory, so nothing touches the user's real configuration; otherwise Qt's native place
for the organisation/application names set in `main.py` is used.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from reader.app.reading.reading_layout import ReadingLayout  # reading-compose
from reader.core.files import make_user_only
from reader.core.paths import HOME_ENV

ORGANISATION = "bilingual-reader"
APPLICATION = "Bilingual Reader"
MAX_RECENT_FILES = 10
DEFAULT_FONT_SIZE = 12.0
MIN_FONT_SIZE = 6.0
MAX_FONT_SIZE = 48.0
THEMES = ("system", "light", "dark")


def _open_settings() -> QSettings:
    home = os.environ.get(HOME_ENV)
    if home:
        settings = QSettings(str(Path(home) / "settings.ini"), QSettings.Format.IniFormat)
    else:
        settings = QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
        )
    # Recent files say what the user reads. Qt keeps an existing file's mode when it saves, and
    # would create a new one as the umask says. Settings that cannot be saved do not stop the app.
    with contextlib.suppress(OSError):
        make_user_only(Path(settings.fileName()))
    return settings


class AppSettings:
    """Typed accessors over QSettings: every key the app uses is named here once."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or _open_settings()

    @property
    def file_name(self) -> str:
        return self._settings.fileName()

    def sync(self) -> None:
        self._settings.sync()

    # --- reading preferences ------------------------------------------------------------------

    @property
    def font_family(self) -> str:
        return str(self._settings.value("reading/font_family", "") or "")

    @font_family.setter
    def font_family(self, family: str) -> None:
        self._settings.setValue("reading/font_family", family)

    @property
    def font_size(self) -> float:
        size = _as_float(self._settings.value("reading/font_size"), DEFAULT_FONT_SIZE)
        return min(MAX_FONT_SIZE, max(MIN_FONT_SIZE, size))

    @font_size.setter
    def font_size(self, size: float) -> None:
        self._settings.setValue("reading/font_size", min(MAX_FONT_SIZE, max(MIN_FONT_SIZE, size)))

    @property
    def theme(self) -> str:
        value = str(self._settings.value("appearance/theme", "system"))
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._settings.setValue("appearance/theme", value if value in THEMES else "system")

    @property
    def synced_scrolling(self) -> bool:
        return _as_bool(self._settings.value("view/synced_scrolling"), True)

    @synced_scrolling.setter
    def synced_scrolling(self, on: bool) -> None:
        self._settings.setValue("view/synced_scrolling", bool(on))

    @property
    def target_language(self) -> str:
        return str(self._settings.value("translation/target_language", "en") or "en")

    @target_language.setter
    def target_language(self, code: str) -> None:
        self._settings.setValue("translation/target_language", code)

    # --- recent files -------------------------------------------------------------------------

    @property
    def recent_files(self) -> list[str]:
        value = self._settings.value("files/recent", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        return [str(item) for item in (value or []) if item][:MAX_RECENT_FILES]

    def add_recent_file(self, path: str | Path) -> list[str]:
        path = str(Path(path).resolve())
        files = [path, *(item for item in self.recent_files if item != path)][:MAX_RECENT_FILES]
        self._settings.setValue("files/recent", files)
        return files

    def clear_recent_files(self) -> None:
        self._settings.setValue("files/recent", [])

    # --- reading-compose: the reading view's spacing --------------------------------------------

    @property
    def reading_layout(self) -> ReadingLayout:
        names = ReadingLayout.field_names()
        stored = {name: self._settings.value(f"reading/{name}") for name in names}
        return ReadingLayout.from_values(stored)

    @reading_layout.setter
    def reading_layout(self, layout: ReadingLayout) -> None:
        for name, value in layout.clamped().as_values().items():
            self._settings.setValue(f"reading/{name}", value)

    # --- window state -------------------------------------------------------------------------

    def geometry(self, name: str) -> QByteArray | None:
        value = self._settings.value(f"window/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, name: str, state: QByteArray) -> None:
        self._settings.setValue(f"window/{name}", state)


def _as_float(value: object, default: float) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _as_bool(value: object, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):  # INI files give back "true"/"false"
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
