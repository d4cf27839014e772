"""argostranslate.package is imported with its directories under our data dir, not the user's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, os, sys
from reader.core.translate.argos_env import argos_package_module
before = {name: os.environ.get(name) for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME",
          "XDG_CONFIG_HOME", "ARGOS_PACKAGES_DIR")}
argos = argos_package_module()
after = {name: os.environ.get(name) for name in before}
print(json.dumps({
    "package_data_dir": str(argos.settings.package_data_dir),
    "data_dir": str(argos.settings.data_dir),
    "cache_dir": str(argos.settings.cache_dir),
    "config_dir": str(argos.settings.config_dir),
    "environment_unchanged": before == after,
    "heavy": sorted(m for m in ("torch", "stanza", "spacy", "argostranslate.translate")
                    if m in sys.modules),
}))
"""


def test_argos_import_stays_in_our_data_dir(tmp_path: Path) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("XDG_", "ARGOS_"))
    }
    env.update(HOME=str(home), BIREADER_HOME=str(data), XDG_DATA_HOME=str(home / "xdg"))
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["package_data_dir"] == str(data / "packages")
    for key in ("data_dir", "cache_dir", "config_dir"):
        assert Path(report[key]).is_relative_to(data)
    assert report["environment_unchanged"]
    assert report["heavy"] == []
    assert list(home.iterdir()) == []  # nothing created in the user's home
