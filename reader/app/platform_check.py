"""Check, before Qt starts, that its Linux platform plugin (xcb) can load.

When a system library the plugin links to is missing, Qt prints a misleading hint (it names
`libxcb-cursor0` whatever is missing) and aborts the process with SIGABRT. Loading the plugin
ourselves first tells whether it can load; when it cannot, `ldd` lists every missing library at
once, so we can name all the packages to install and exit cleanly."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from reader.core.errors import ReaderError

LDD_TIMEOUT_S = 5
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
_CTYPES_MISSING = re.compile(r"^(\S+\.so[.\d]*): cannot open shared object file")
_SONAME = re.compile(r"^(?P<base>.+?)\.so\.(?P<major>\d+)")
# Libraries of the plugin's tree whose Debian package is not named after them.
_PACKAGE_OF = {"libGLdispatch.so.0": "libglvnd0"}


def check_platform_plugin() -> None:
    """Raise a one-line `ReaderError` naming the missing packages if the xcb plugin that Qt is
    about to load cannot be loaded. Does nothing off Linux or for another platform plugin."""
    plugin = xcb_plugin_to_load()
    if plugin is None:
        return
    if _loads(plugin):  # the usual case, and cheap: Qt would load these libraries anyway
        return
    missing = missing_libraries(plugin)
    if missing:
        raise ReaderError(missing_libraries_message(missing))


def xcb_plugin_to_load() -> Path | None:
    """The xcb plugin's file when Qt would pick that plugin here, else None."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return None  # Qt tries Wayland first there, and falls back by itself
    plugin = plugin_directory() / "libqxcb.so"
    return plugin if plugin.is_file() else None


def plugin_directory() -> Path:
    explicit = os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH")
    if explicit:
        return Path(explicit)
    from PySide6.QtCore import QLibraryInfo  # QtCore alone loads no platform plugin

    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"


def missing_libraries(library: Path) -> list[str]:
    """The sonames `library` needs (directly or not) that the dynamic linker cannot find."""
    ldd = shutil.which("ldd")
    if ldd is not None:
        try:
            listed = subprocess.run(
                [ldd, str(library)],
                capture_output=True,
                text=True,
                timeout=LDD_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            pass
        else:
            return sorted(set(_NOT_FOUND.findall(listed.stdout)))
    return _first_missing_by_loading(library)


def _loads(library: Path) -> bool:
    try:
        ctypes.CDLL(str(library))
    except OSError:
        return False
    return True


def _first_missing_by_loading(library: Path) -> list[str]:
    """Without `ldd` (e.g. musl): load the library; the linker names the first missing one."""
    try:
        ctypes.CDLL(str(library))
    except OSError as error:
        found = _CTYPES_MISSING.match(str(error))
        return [found.group(1)] if found else []
    return []


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package shipping a library, by Debian's naming policy: the soname's
    base, lower-cased, then its major version (after a hyphen when the base ends in a digit):
    `libxcb-icccm.so.4` → `libxcb-icccm4`, `libxkbcommon-x11.so.0` → `libxkbcommon-x11-0`."""
    if soname in _PACKAGE_OF:
        return _PACKAGE_OF[soname]
    found = _SONAME.match(soname)
    if found is None:
        return soname
    base, major = found.group("base").lower(), found.group("major")
    return f"{base}{'-' if base[-1].isdigit() else ''}{major}"


def missing_libraries_message(missing: list[str]) -> str:
    packages = " ".join(dict.fromkeys(debian_package(name) for name in missing))
    return (
        f"the window cannot start: Qt's X11 (xcb) plugin needs system libraries that are not "
        f"installed ({', '.join(missing)}); on Debian or Ubuntu: sudo apt-get install {packages}"
    )
