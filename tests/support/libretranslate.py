"""A real LibreTranslate 1.9.6 server for tests, provisioned from PyPI in its own venv.

Its pins conflict with ours, so it lives in a venv of its own, cached outside the repository
(`$BIREADER_TEST_CACHE`, else `$XDG_CACHE_HOME/bireader-tests`, else `~/.cache/bireader-tests`)
and reused while its marker file says the install finished. torch is installed first at the
machine's CPU build: a bare `torch` resolves to the CUDA wheels.

It runs offline: with spacy in its env, `ARGOS_CHUNK_TYPE=SPACY` (the copy packages carry a blank
spaCy pipeline) and two packages installed it downloads nothing at start; updates are off; the
package index points at a closed local port. Provisioning or start-up failing raises, so the
tests fail with the reason instead of skipping.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

VERSION = "1.9.6"
TORCH = "torch==2.13.0"  # the local CPU build; LibreTranslate's own pin would pull CUDA
EXTRA = ("spacy",)  # sentence splitting offline (ARGOS_CHUNK_TYPE=SPACY)
START_TIMEOUT = 180.0
CLOSED_URL = "http://127.0.0.1:9/"  # the discard port: any index fetch fails at once


class ProvisioningError(RuntimeError):
    """LibreTranslate could not be installed or started; the message says which step."""


@dataclass(frozen=True)
class Provisioned:
    venv: Path
    seconds: float  # spent installing now; 0 when the cached venv was reused


def cache_root() -> Path:
    if explicit := os.environ.get("BIREADER_TEST_CACHE"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bireader-tests"


def provision(root: Path | None = None) -> Provisioned:
    """The venv with LibreTranslate installed, built now unless a finished one is cached."""
    venv = (root or cache_root()) / f"libretranslate-{VERSION}"
    marker = venv / ".complete"
    if marker.exists():
        return Provisioned(venv, 0.0)
    started = time.monotonic()
    shutil.rmtree(venv, ignore_errors=True)  # a half-finished earlier attempt
    _run([_base_python(), "-m", "venv", str(venv)], "create the venv")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    _run([*pip, TORCH], f"install {TORCH}")
    _run([*pip, f"libretranslate=={VERSION}", TORCH, *EXTRA], f"install libretranslate {VERSION}")
    marker.write_text(VERSION, "utf-8")
    return Provisioned(venv, time.monotonic() - started)


def _base_python() -> str:
    """The interpreter our venv was made from (a venv of a venv would inherit nothing useful)."""
    return getattr(sys, "_base_executable", None) or sys.executable


def _run(command: list[str], step: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = f"{result.stdout}\n{result.stderr}".strip().splitlines()[-15:]
        raise ProvisioningError(f"LibreTranslate: could not {step}:\n" + "\n".join(tail))


def install_packages(packages_dir: Path, package_files: list[Path]) -> None:
    """Unpack `.argosmodel` files where Argos looks, as its own install_from_path does."""
    packages_dir.mkdir(parents=True, exist_ok=True)
    for package in package_files:
        with zipfile.ZipFile(package) as archive:
            archive.extractall(packages_dir)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class RunningServer:
    url: str
    process: subprocess.Popen
    log: Path


def offline_environment(home: Path) -> dict[str, str]:
    packages = home / "argos-packages"
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ARGOS_", "LT_"))},
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "ARGOS_PACKAGES_DIR": str(packages),
        "ARGOS_CHUNK_TYPE": "SPACY",
        "ARGOS_DEVICE_TYPE": "cpu",
        "ARGOS_PACKAGE_INDEX": CLOSED_URL,
        "LT_UPDATE_MODELS": "false",
        "LT_LOAD_ONLY": "vi,en",
        "OMP_NUM_THREADS": "1",  # a shared 2-core machine
    }


@contextlib.contextmanager
def running_server(
    venv: Path, home: Path, package_files: list[Path], extra_args: tuple[str, ...] = ()
) -> Iterator[RunningServer]:
    """LibreTranslate on 127.0.0.1 with `package_files` installed, stopped on exit."""
    environment = offline_environment(home)
    install_packages(Path(environment["ARGOS_PACKAGES_DIR"]), package_files)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = home / "libretranslate.log"
    command = [
        str(venv / "bin" / "libretranslate"),
        *("--host", "127.0.0.1", "--port", str(port), "--load-only", "vi,en", "--threads", "2"),
        *extra_args,
    ]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command, cwd=home, env=environment, stdout=log_file, stderr=subprocess.STDOUT
        )
    server = RunningServer(url, process, log)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def key_checking(home: Path) -> tuple[str, ...]:
    """Arguments that make the server check keys against a database under `home`, which it
    creates at start (an unknown key is then refused with HTTP 403)."""
    return ("--api-keys", "--api-keys-db-path", str(home / "api_keys.db"))


def add_api_key(venv: Path, home: Path, key: str) -> None:
    """Put `key` in the running key-checking server's database (it looks keys up per request)."""
    database = str(home / "api_keys.db")
    ltmanage = [str(venv / "bin" / "ltmanage"), "keys", "--api-keys-db-path", database]
    _run([*ltmanage, "add", "--key", key, "1000"], "add an API key")


def _wait_until_ready(server: RunningServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ProvisioningError(f"LibreTranslate exited at start:\n{_log_tail(server)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/languages", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise ProvisioningError(
        f"LibreTranslate not ready in {START_TIMEOUT:.0f} s:\n{_log_tail(server)}"
    )


def _log_tail(server: RunningServer) -> str:
    return "\n".join(server.log.read_text("utf-8", "replace").splitlines()[-20:])


if __name__ == "__main__":  # provision by hand: python -m tests.support.libretranslate
    result = provision()
    print(f"{result.venv} ({result.seconds:.0f} s)")
