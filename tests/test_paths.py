import os
import shutil
import stat
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

from reader.core import paths
from reader.core.errors import ReaderError

REPO = Path(__file__).resolve().parents[1]
# What the repository ships and the app reads at run time; wheels carry it as reader/resources/.
RESOURCE_FILES = sorted(
    path.relative_to(REPO / "resources").as_posix()
    for path in (REPO / "resources").rglob("*")
    if path.is_file() and "__pycache__" not in path.parts
)


def test_bireader_home_overrides_the_platform_directory(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    assert paths.data_dir() == home
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert paths.database_path().parent == home
    assert paths.models_dir().parent == home


def test_platform_directory_is_used_without_override(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(paths.HOME_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert paths.data_dir() == tmp_path / paths.APP_NAME


def test_sample_document_is_shipped() -> None:
    assert paths.sample_document().is_file()


def test_checkout_finds_the_top_level_resources_folder() -> None:
    assert paths.resources_dir() == REPO / "resources"


def test_missing_resources_are_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(paths, "__file__", str(tmp_path / "reader" / "core" / "paths.py"))
    with pytest.raises(ReaderError, match="data folder is missing"):
        paths.resources_dir()


# --- packaging: an sdist, a wheel built from it, and that wheel installed ----------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist of a copy of the checkout, then the wheel pip builds from that sdist (as
    `python -m build` does), then that wheel installed with `pip install --target`. Offline:
    the build backend is this environment's setuptools, no dependency is fetched."""
    root = tmp_path_factory.mktemp("packaging")
    # A copy: building in the checkout would leave build/ and *.egg-info there.
    source = root / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("reader", "resources"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "MANIFEST.in"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, source / name)

    def run(*args: str, cwd: Path = root) -> None:
        result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr

    dist = root / "dist"
    run(
        sys.executable,
        "-c",
        f"from setuptools import build_meta; build_meta.build_sdist({str(dist)!r})",
        cwd=source,
    )
    [sdist] = dist.glob("*.tar.gz")
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input")
    wheel_options = ("--no-deps", "--no-build-isolation", "--no-index")
    run(*pip, "wheel", *wheel_options, "--wheel-dir", str(dist), str(sdist))
    [wheel] = dist.glob("*.whl")
    target = root / "site"
    run(*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel))
    return {"sdist": sdist, "wheel": wheel, "target": target}


def test_sdist_carries_the_resources_folder(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    missing = [name for name in RESOURCE_FILES if f"resources/{name}" not in names]
    assert not missing


def test_wheel_carries_the_resources_and_every_module(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as archive:
        names = set(archive.namelist())
    assert RESOURCE_FILES
    assert not [name for name in RESOURCE_FILES if f"reader/resources/{name}" not in names]
    assert not [name for name in names if name.startswith("resources/")]  # no top-level folder
    # The package list in pyproject.toml is spelled out: a subpackage left out of it is caught.
    modules = [
        path.relative_to(REPO).as_posix()
        for pattern in ("*.py", "*.mako")
        for path in (REPO / "reader").rglob(pattern)
        if "__pycache__" not in path.parts
    ]
    assert not [name for name in modules if name not in names]


def test_installed_wheel_finds_and_reads_its_resources(built: dict[str, Path], tmp_path) -> None:
    target = built["target"]
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path

        import reader
        from reader.cli import main
        from reader.core.paths import resources_dir, sample_document
        from reader.core.segment.abbreviations import language_data
        from reader.core.translate.catalogue import bundled_catalogue_dir

        target = Path(sys.argv[1])
        assert Path(reader.__file__).is_relative_to(target), reader.__file__
        assert resources_dir() == target / "reader" / "resources", resources_dir()
        assert "Tình hình" in sample_document().read_text(encoding="utf-8")
        assert language_data("vi").never, "no Vietnamese abbreviations"
        assert (bundled_catalogue_dir() / "index.json").is_file()
        sys.exit(main(["segment", str(sample_document()), "--lang", "VI"]))
        """
    )
    # Run from elsewhere with only the installed copy of `reader` ahead of site-packages, so
    # neither the checkout nor its editable install can answer.
    result = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 37  # the gold sentence count of the sample


@pytest.mark.parametrize("kind", ["regular file", "/dev/null", "path under a file"])
def test_an_unusable_data_folder_is_a_reader_error_naming_it(
    kind: str, tmp_path: Path, monkeypatch
) -> None:
    regular = tmp_path / "a-file"
    regular.write_text("not a folder")
    home = {
        "regular file": regular,
        "/dev/null": Path("/dev/null"),
        "path under a file": regular / "h",
    }
    monkeypatch.setenv(paths.HOME_ENV, str(home[kind]))
    with pytest.raises(ReaderError, match=rf"^{home[kind]}: the data folder cannot be used \("):
        paths.data_dir()
    assert regular.read_text() == "not a folder"
