"""The core must work where Qt cannot even be imported."""

import subprocess
import sys

PROBE = """
import builtins, importlib, pkgutil, sys
real_import = builtins.__import__
def no_qt(name, *args, **kwargs):
    if name.split(".")[0] in ("PySide6", "shiboken6"):
        raise ImportError("Qt is not allowed in reader.core")
    return real_import(name, *args, **kwargs)
builtins.__import__ = no_qt
import reader.core
for module in pkgutil.walk_packages(reader.core.__path__, "reader.core."):
    if ".migrations" in module.name:
        continue
    importlib.import_module(module.name)
assert not any(name.startswith("PySide6") for name in sys.modules)
print("ok")
"""


def test_every_core_module_imports_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
