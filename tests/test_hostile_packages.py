"""Hostile model packages against a REAL installed model (tests/test_packages.py covers the same
attacks on stand-in packages, tests/test_download.py the download): each is refused before
anything is extracted into the packages directory, and the installed model still translates,
with the same output."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from reader.core.errors import InputError
from reader.core.paths import models_dir
from reader.core.storage import open_database
from reader.core.translate import packages
from reader.core.translate.engine import unload_translators
from reader.core.translate.packages import install_package_file, list_installed
from reader.core.translate.service import TranslationService
from tests.package_zips import tree_digest

SENTENCE = "Công tác bảo vệ chính trị nội bộ là một bộ phận trọng yếu."


def _members(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {
            info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()
        }


def _top(members: dict[str, bytes]) -> str:
    return next(iter(members)).split("/", 1)[0]


def _write(path: Path, members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def _with_metadata(members: dict[str, bytes], **fields) -> dict[str, bytes]:
    top = _top(members)
    metadata = json.loads(members[f"{top}/metadata.json"])
    metadata.update(fields)
    metadata = {key: value for key, value in metadata.items() if value is not None}
    return {**members, f"{top}/metadata.json": json.dumps(metadata).encode()}


def _hostile(case: str, package: Path, tmp_path: Path) -> Path:
    members = _members(package)
    top = _top(members)
    newer = _with_metadata(members, package_version="99.0")
    path = tmp_path / f"{case.replace(' ', '-')}.argosmodel"
    if case == "zip slip":
        return _write(path, {**newer, f"{top}/../../escaped.txt": b"x"})
    if case == "absolute path":
        return _write(path, {**newer, str(tmp_path / "absolute.txt"): b"x"})
    if case == "symlink":
        return _write(path, newer, symlinks={f"{top}/model/model.bin.link": "/etc/passwd"})
    if case == "zip bomb":
        return _write(path, {**newer, f"{top}/model/padding.bin": bytes(200 * 2**20)})
    if case == "missing metadata":
        return _write(path, {k: v for k, v in newer.items() if not k.endswith("metadata.json")})
    if case == "metadata not json":
        return _write(path, {**newer, f"{top}/metadata.json": b"\xff{{{"})
    if case == "metadata lies about the type":
        return _write(path, _with_metadata(newer, type="sbd"))
    if case == "metadata names a path as language":
        return _write(path, _with_metadata(newer, from_code="../../vi"))
    if case == "metadata has a lone surrogate":
        return _write(path, _with_metadata(newer, from_name="Vietnamese\udc80"))
    if case == "metadata nested 100k deep":
        return _write(path, {**newer, f"{top}/metadata.json": b"[" * 10**5 + b"]" * 10**5})
    if case == "truncated":
        path.write_bytes(_write(path, newer).read_bytes()[: package.stat().st_size // 2])
        return path
    raise AssertionError(case)


CASES = [
    "zip slip",
    "absolute path",
    "symlink",
    "zip bomb",
    "missing metadata",
    "metadata not json",
    "metadata lies about the type",
    "metadata names a path as language",
    "metadata has a lone surrogate",
    "metadata nested 100k deep",
    "truncated",
]


@pytest.fixture
def translator(installed_vi_en):
    service = TranslationService(open_database(), beam_size=1)
    route = service.route("vi", "en")
    assert route is not None
    return service, route


def test_hostile_packages_are_refused_before_extraction_and_the_model_keeps_working(
    tmp_path: Path, argos_package_file: Path, installed_vi_en, translator, monkeypatch
) -> None:
    service, route = translator
    before_text = service.engine.translate(route.models, [SENTENCE], beam_size=1)
    before_files = tree_digest(installed_vi_en.path)
    extracted: list[str] = []
    real_extract = packages._extract_all
    monkeypatch.setattr(
        packages,
        "_extract_all",
        lambda zf, staging, path: extracted.append(path.name) or real_extract(zf, staging, path),
    )
    for case in CASES:
        archive = _hostile(case, argos_package_file, tmp_path)
        with pytest.raises(InputError) as error:
            install_package_file(archive)
        assert str(archive) in str(error.value), case
        assert extracted == [], f"{case}: extraction started before the refusal"
        assert list_installed() == [installed_vi_en], case
        assert sorted(p.name for p in models_dir().iterdir()) == [installed_vi_en.path.name]
        assert tree_digest(installed_vi_en.path) == before_files, case
    assert not (tmp_path / "absolute.txt").exists()
    assert not list(tmp_path.parent.glob("escaped.txt"))
    # The installed model still loads from disk and translates exactly as before.
    unload_translators()
    fresh = TranslationService(open_database(), beam_size=1)
    assert fresh.engine.translate(route.models, [SENTENCE], beam_size=1) == before_text


def test_a_package_whose_model_does_not_load_does_not_replace_a_working_one(
    tmp_path: Path, argos_package_file: Path, installed_vi_en
) -> None:
    members = _with_metadata(_members(argos_package_file), package_version="99.0")
    top = _top(members)
    members[f"{top}/model/model.bin"] = b"not a CTranslate2 model" * 100
    liar = _write(tmp_path / "liar.argosmodel", members)
    with pytest.raises(InputError):
        install_package_file(liar)
    assert list_installed() == [installed_vi_en]


def _model_saying_nothing(tmp_path: Path, package: Path) -> Path:
    """The real package with a target vocabulary of blanks: it loads, reads its input, and
    every translation it writes is whitespace."""
    members = _with_metadata(_members(package), package_version="99.0")
    model = f"{_top(members)}/model"
    vocabulary = json.loads(members.pop(f"{model}/shared_vocabulary.json"))
    blanks = ["\u2581" * length for length in range(1, len(vocabulary) - 2)]
    members[f"{model}/source_vocabulary.json"] = json.dumps(vocabulary).encode()
    members[f"{model}/target_vocabulary.json"] = json.dumps(vocabulary[:3] + blanks).encode()
    return _write(tmp_path / "silent.argosmodel", members)


def _garbage_bpe(tmp_path: Path, package: Path) -> Path:
    members = _with_metadata(_members(package), package_version="99.0")
    top = _top(members)
    del members[f"{top}/sentencepiece.model"]
    members[f"{top}/bpe.model"] = "Công tác bảo vệ\nchính trị nội bộ\n".encode()
    return _write(tmp_path / "garbage-bpe.argosmodel", members)


def test_packages_that_load_but_do_not_translate_are_refused_after_a_trial(
    tmp_path: Path, argos_package_file: Path, installed_vi_en, translator
) -> None:
    service, route = translator
    before_text = service.engine.translate(route.models, [SENTENCE], beam_size=1)
    before_files = tree_digest(installed_vi_en.path)
    refused = {
        _model_saying_nothing(tmp_path, argos_package_file): "into nothing",
        _garbage_bpe(tmp_path, argos_package_file): "bpe.model: not a BPE model",
    }
    for archive, problem in refused.items():
        with pytest.raises(InputError, match=problem) as error:
            install_package_file(archive)
        assert str(error.value).startswith(f"{archive}: ")
        assert list_installed() == [installed_vi_en]
        assert sorted(p.name for p in models_dir().iterdir()) == [installed_vi_en.path.name]
        assert tree_digest(installed_vi_en.path) == before_files
    unload_translators()
    fresh = TranslationService(open_database(), beam_size=1)
    assert fresh.engine.translate(route.models, [SENTENCE], beam_size=1) == before_text
