"""Small hand-made `.argosmodel` zips for package-manager tests: valid ones and hostile ones.

Their model and tokenizer are those of the tiny real package from `tests/argos_fixture.py`
(built once per test session), since installing loads them; the metadata varies per test.
"""

from __future__ import annotations

import functools
import hashlib
import json
import stat
import tempfile
import zipfile
from pathlib import Path

from tests.argos_fixture import build_argos_package


def metadata_for(from_code: str = "vi", to_code: str = "en", version: str = "1.0") -> dict:
    return {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": {"vi": "Vietnamese", "en": "English"}.get(from_code, from_code),
        "to_code": to_code,
        "to_name": {"vi": "Vietnamese", "en": "English"}.get(to_code, to_code),
        "type": "translate",
    }


def package_members(
    from_code: str = "vi", to_code: str = "en", version: str = "1.0", readme: str = "test\n"
) -> dict[str, bytes]:
    """Member name -> bytes of a minimal valid package."""
    top = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    metadata = json.dumps(metadata_for(from_code, to_code, version)).encode()
    members = {f"{top}/{name}": data for name, data in _real_model_files().items()}
    members[f"{top}/metadata.json"] = metadata
    members[f"{top}/README.md"] = readme.encode()
    return members


@functools.cache
def _real_model_files() -> dict[str, bytes]:
    """Relative name -> bytes of the tiny real package's model and tokenizer files."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = build_argos_package(Path(tmp), "vi", "en", seed=0)
        with zipfile.ZipFile(archive) as zf:
            files = {
                name.split("/", 1)[1]: zf.read(name)
                for name in zf.namelist()
                if not name.endswith("/")
            }
    return {
        name: data
        for name, data in files.items()
        if name in _MODEL_FILES or name.startswith("model/")
    }


_MODEL_FILES = {"sentencepiece.model"}


def write_zip(
    path: Path,
    members: dict[str, bytes],
    *,
    symlinks: dict[str, str] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Write `members` (name -> bytes) as a zip, plus symlink entries (name -> link target)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3  # unix, so external_attr carries the file type
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def minimal_package(
    dest_dir: Path, from_code: str = "vi", to_code: str = "en", version: str = "1.0", **kwargs
) -> Path:
    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}.argosmodel"
    return write_zip(dest_dir / name, package_members(from_code, to_code, version, **kwargs))


def tree_digest(directory: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under `directory` (to prove it is intact)."""
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
