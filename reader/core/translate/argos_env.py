"""Import `argostranslate.package` without letting it touch the user's global Argos directories.

`argostranslate.settings` reads its directories from the environment *at import time* and creates
them (~/.local/share/argos-translate, ~/.config/..., ~/.local/cache/...). We point those variables
under our data dir just for that import, then restore the environment so other code (Qt,
subprocesses) still sees the user's real XDG directories. Later path changes (another
BIREADER_HOME in tests) do not matter: we use argostranslate's package *format* helpers and its
index URL, never its directories.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from reader.core.errors import ReaderError
from reader.core.paths import data_dir, models_dir

_import_lock = threading.Lock()


def argos_environment() -> dict[str, str]:
    """The variables argostranslate.settings must see: everything under our data dir."""
    argos_home = data_dir() / "argos-env"
    argos_home.mkdir(mode=0o700, exist_ok=True)  # argostranslate creates its dirs 0o755 inside
    return {
        "ARGOS_PACKAGES_DIR": str(models_dir()),
        "XDG_DATA_HOME": str(argos_home / "data"),
        "XDG_CACHE_HOME": str(argos_home / "cache"),
        "XDG_CONFIG_HOME": str(argos_home / "config"),
    }


@contextmanager
def _temporary_environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def argos_package_module() -> ModuleType:
    """Return `argostranslate.package`, importing it with its settings pointed at our data dir."""
    with _import_lock:
        try:
            if "argostranslate.settings" in sys.modules:
                return importlib.import_module("argostranslate.package")
            with _temporary_environment(argos_environment()):
                return importlib.import_module("argostranslate.package")
        except ImportError as error:
            raise ReaderError(
                f"argostranslate is not installed ({error}); install it with "
                "`pip install --no-deps argostranslate==1.11.0` (see the README)"
            ) from error
