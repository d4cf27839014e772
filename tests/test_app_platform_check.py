"""The xcb plugin probe: missing system libraries are named (with their packages) before Qt
would abort the process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.app import platform_check
from reader.app.platform_check import (
    check_platform_plugin,
    debian_package,
    missing_libraries,
    xcb_plugin_to_load,
)
from tests.conftest import REPO

needs_gcc = pytest.mark.skipif(
    shutil.which("gcc") is None or not sys.platform.startswith("linux"), reason="needs gcc, Linux"
)


def build_plugin(directory: Path, missing: list[str]) -> Path:
    """A `libqxcb.so` linked against libraries that existed at link time and are gone now."""
    directory.mkdir(parents=True, exist_ok=True)
    stubs = directory / "stubs"
    stubs.mkdir()
    links = []
    for soname in missing:
        name = soname.split(".so")[0]
        stub = stubs / f"{name}.so"
        source = stubs / f"{name}.c"
        source.write_text(f"int {name.replace('-', '_')}_symbol(void) {{ return 1; }}\n")
        subprocess.run(
            ["gcc", "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", stub, source], check=True
        )
        links.append(f"-l:{stub.name}")
    plugin = directory / "libqxcb.so"
    source = stubs / "plugin.c"
    calls = " + ".join(f"{n.split('.so')[0].replace('-', '_')}_symbol()" for n in missing)
    source.write_text(
        "\n".join(f"int {n.split('.so')[0].replace('-', '_')}_symbol(void);" for n in missing)
        + f"\nint plugin_entry(void) {{ return {calls}; }}\n"
    )
    command = ["gcc", "-shared", "-fPIC", "-Wl,--no-as-needed", "-o", plugin, source]
    subprocess.run([*command, f"-L{stubs}", *links], check=True)
    shutil.rmtree(stubs)
    return plugin


@needs_gcc
def test_every_missing_library_is_found(tmp_path) -> None:
    wanted = ["libxcb-nosuch-icccm.so.4", "libxkbnosuch-x11.so.0"]
    plugin = build_plugin(tmp_path / "platforms", wanted)
    assert missing_libraries(plugin) == sorted(wanted)


@needs_gcc
def test_without_ldd_the_loader_names_the_first_missing_library(tmp_path, monkeypatch) -> None:
    plugin = build_plugin(tmp_path / "platforms", ["libxcb-nosuch-keysyms.so.1"])
    monkeypatch.setattr(platform_check.shutil, "which", lambda _name: None)
    assert missing_libraries(plugin) == ["libxcb-nosuch-keysyms.so.1"]


def test_a_loadable_library_misses_nothing() -> None:
    from PySide6 import QtCore

    assert missing_libraries(Path(QtCore.__file__)) == []


def test_package_names_follow_the_debian_policy() -> None:
    assert debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libX11-xcb.so.1") == "libx11-xcb1"
    assert debian_package("libdbus-1.so.3") == "libdbus-1-3"
    assert debian_package("libGLdispatch.so.0") == "libglvnd0"  # the one exception


def test_only_the_xcb_platform_is_probed(tmp_path, monkeypatch) -> None:
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", str(tmp_path))
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert xcb_plugin_to_load() is None
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert xcb_plugin_to_load() == (plugin if sys.platform.startswith("linux") else None)
    check_platform_plugin()  # not an ELF file: nothing to report, Qt will say what it thinks


@needs_gcc
def test_the_cli_names_the_packages_and_exits_2(tmp_path) -> None:
    plugins = tmp_path / "platforms"
    build_plugin(plugins, ["libxcb-nosuch-icccm.so.4", "libxcb-nosuch-keysyms.so.1"])
    env = {
        **os.environ,
        "BIREADER_HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "xcb",
        "QT_QPA_PLATFORM_PLUGIN_PATH": str(plugins),
        "DISPLAY": ":97",
    }
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "reader", "open"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "libxcb-nosuch-icccm4 libxcb-nosuch-keysyms1" in line
    assert "Traceback" not in done.stderr
