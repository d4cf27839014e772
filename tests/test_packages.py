"""Installing, listing and removing model packages; hostile archives are rejected untouched."""

from __future__ import annotations

import functools
import io
import json
import os
import secrets
import signal
import stat
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from reader.core.errors import InputError, ReaderError
from reader.core.paths import models_dir
from reader.core.translate import packages
from reader.core.translate.engine import BPETokenizer, TranslationEngine
from reader.core.translate.packages import (
    content_digest,
    find_installed,
    install_package_file,
    list_installed,
    normalise_code,
    read_package_metadata,
    remove_installed,
)
from tests.argos_fixture import build_argos_package
from tests.conftest import REPO
from tests.package_zips import (
    metadata_for,
    minimal_package,
    package_members,
    tree_digest,
    write_zip,
)

TOP = "translate-vi_en-2_0"


@pytest.fixture
def installed_v1(tmp_path: Path):
    """vi->en 1.0 installed: every hostile install below must leave it listed and intact."""
    model = install_package_file(minimal_package(tmp_path / "good", version="1.0"))
    return model, tree_digest(model.path)


def assert_untouched(installed_v1) -> None:
    model, digest = installed_v1
    assert list_installed() == [model]
    assert tree_digest(model.path) == digest
    assert sorted(p.name for p in models_dir().iterdir()) == [model.path.name]  # no leftovers


def hostile(tmp_path: Path, name: str, members: dict[str, bytes], **kwargs) -> Path:
    return write_zip(tmp_path / f"{name}.argosmodel", members, **kwargs)


def valid_v2(**changes: bytes | None) -> dict[str, bytes]:
    """A valid vi->en 2.0 package, with members replaced (or removed with None)."""
    members = package_members(version="2.0")
    for name, data in changes.items():
        members.pop(f"{TOP}/{name}", None)
        if data is not None:
            members[f"{TOP}/{name}"] = data
    return members


def test_install_lists_finds_and_keeps_files_private(tmp_path: Path) -> None:
    model = install_package_file(minimal_package(tmp_path))

    assert (model.code, model.from_code, model.to_code) == ("translate-vi_en", "vi", "en")
    assert (model.from_name, model.to_name, model.version) == ("Vietnamese", "English", "1.0")
    assert model.target_prefix == ""
    assert model.path == models_dir() / "translate-vi_en"
    assert (model.path / "model" / "model.bin").is_file()
    assert (model.path / "sentencepiece.model").is_file()
    assert stat.S_IMODE(model.path.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE((model.path / "metadata.json").stat().st_mode) & 0o077 == 0
    assert list_installed() == [model]
    assert find_installed("vi", "en") == model
    assert find_installed("en", "vi") is None


def test_argostranslate_reads_an_installed_package(tmp_path: Path) -> None:
    from reader.core.translate.argos_env import argos_package_module

    model = install_package_file(minimal_package(tmp_path))
    argos_package = argos_package_module().Package(model.path)
    assert (argos_package.from_code, argos_package.to_code) == ("vi", "en")
    assert argos_package.package_version == model.version


def test_reinstall_same_version_replaces_it(tmp_path: Path) -> None:
    install_package_file(minimal_package(tmp_path / "a", readme="first\n"))
    model = install_package_file(minimal_package(tmp_path / "b", readme="second\n"))
    assert (model.path / "README.md").read_text() == "second\n"
    assert list_installed() == [model]


def test_new_version_replaces_old_and_other_pairs_stay(tmp_path: Path) -> None:
    install_package_file(minimal_package(tmp_path, version="1.0"))
    en_vi = install_package_file(minimal_package(tmp_path, "en", "vi", version="1.9"))
    newer = install_package_file(minimal_package(tmp_path, version="1.10"))
    assert find_installed("vi", "en") == newer
    assert newer.version == "1.10"
    assert list_installed() == [en_vi, newer]


def test_find_installed_prefers_highest_version_among_several_dirs(tmp_path: Path) -> None:
    old = install_package_file(minimal_package(tmp_path, version="1.9"))
    # A second copy, e.g. dropped in by hand under Argos's own directory name.
    manual = models_dir() / "translate-vi_en-1_10"
    os.rename(old.path, manual)
    install_package_file(minimal_package(tmp_path, version="1.2"))
    assert find_installed("vi", "en").version == "1.9"


def test_list_installed_skips_broken_and_work_directories(tmp_path: Path) -> None:
    model = install_package_file(minimal_package(tmp_path))
    (models_dir() / "not-a-package").mkdir()
    (models_dir() / "bad-json").mkdir()
    (models_dir() / "bad-json" / "metadata.json").write_text("{", encoding="utf-8")
    staged = models_dir() / ".staging-leftover"
    staged.mkdir()
    (staged / "metadata.json").write_text(json.dumps(metadata_for()), encoding="utf-8")
    assert list_installed() == [model]


def test_crash_leftovers_are_tidied_at_once_and_a_set_aside_version_restored(tmp_path):
    model = install_package_file(minimal_package(tmp_path))
    digest = tree_digest(model.path)
    # What an older release left when it crashed mid-swap, a moment ago.
    os.rename(model.path, models_dir() / ".old-translate-vi_en-0123abcd")
    (models_dir() / ".staging-x1y2" / "pkg").mkdir(parents=True)
    (models_dir() / ".removing-0a1b2c3d" / "model").mkdir(parents=True)

    assert list_installed() == [model]
    assert tree_digest(model.path) == digest
    assert [p.name for p in models_dir().iterdir()] == ["translate-vi_en"]


def test_remove_accepts_code_spellings(tmp_path: Path) -> None:
    model = install_package_file(minimal_package(tmp_path))
    assert remove_installed("vi-en") == model
    assert not model.path.exists()
    assert list_installed() == []
    with pytest.raises(ReaderError, match="not installed"):
        remove_installed("translate-vi_en")


@pytest.mark.parametrize("text", ["vi_en", "vi-en", "translate-vi_en", " VI_EN "])
def test_normalise_code(text: str) -> None:
    assert normalise_code(text) == "translate-vi_en"


@pytest.mark.parametrize("text", ["vi", "vi_en_fr", "../x", "translate-vi/en", ""])
def test_normalise_code_rejects(text: str) -> None:
    with pytest.raises(ReaderError):
        normalise_code(text)


def with_metadata(**fields: object) -> dict[str, bytes]:
    metadata = {**metadata_for(version="2.0"), **fields}
    return valid_v2(**{"metadata.json": json.dumps(metadata).encode()})


def without(*names: str) -> dict[str, bytes]:
    return valid_v2(**dict.fromkeys(names))


# case -> (members of the archive, what the error message must say)
HOSTILE_ARCHIVES = {
    "zip slip": ({**valid_v2(), f"{TOP}/../../evil.txt": b"x"}, "escapes"),
    "absolute path": ({**valid_v2(), "/tmp/evil.txt": b"x"}, "absolute"),
    "backslash path": ({**valid_v2(), f"{TOP}\\..\\evil.txt": b"x"}, "forbidden character"),
    "dot component": ({**valid_v2(), f"{TOP}/./x": b"x"}, "escapes"),
    "two top directories": ({**valid_v2(), "other/readme": b"x"}, "one top-level directory"),
    "top-level file only": ({"metadata.json": b"{}"}, "one top-level directory"),
    "no metadata": (without("metadata.json"), "no metadata.json"),
    "metadata not json": (valid_v2(**{"metadata.json": b"{not json"}), "not valid JSON"),
    "metadata not an object": (valid_v2(**{"metadata.json": b"[1]"}), "not a JSON object"),
    "from_code missing": (with_metadata(from_code=None), "from_code"),
    "from_code is a path": (with_metadata(from_code="../x"), "from_code"),
    "same languages": (with_metadata(to_code="vi"), "into itself"),
    "not a translate package": (with_metadata(type="sbd"), "package type"),
    "version not a version": (with_metadata(package_version="new"), "package_version"),
    "no model dir": (without("model/model.bin", "model/config.json"), "model/model.bin"),
    "no tokenizer": (without("sentencepiece.model"), "tokenizer"),
    "zip bomb": (valid_v2(**{"model/model.bin": bytes(30 * 1024**2)}), "zip bomb"),
    # Valid JSON that must not be shown, stored or relied on.
    "lone surrogate in from_name": (with_metadata(from_name="Vi\ud800"), "not valid Unicode"),
    "lone surrogate in a field we ignore": (
        with_metadata(links=[{"mirror": "https://x/\udcff"}]),
        "not valid Unicode",
    ),
    "control character in to_name": (with_metadata(to_name="Eng\x1b[2J"), "to_name has a"),
    "line break in from_name": (with_metadata(from_name="Viet\nnamese"), "from_name has a"),
    "name too long": (with_metadata(to_name="E" * 10_000), "to_name is longer than 64"),
    "version too long": (with_metadata(package_version="1." + "0" * 99), "package_version is"),
    "name not a string": (with_metadata(from_name=["Vietnamese"]), "from_name missing or not"),
    "target prefix of two tokens": (with_metadata(target_prefix="__ en__"), "target_prefix"),
    "metadata 100k deep": (
        valid_v2(**{"metadata.json": b"[" * 100_000 + b"]" * 100_000}),
        "nested too deeply",
    ),
    "metadata too large": (
        with_metadata(description=secrets.token_hex(packages.MAX_METADATA_BYTES // 2)),
        "metadata.json is too large",
    ),
    # Files that look right but do not load.
    "garbage sentencepiece.model": (
        valid_v2(**{"sentencepiece.model": b"\x0a\x05junk" * 200}),
        r"does not translate \(sentencepiece\.model: unreadable SentencePiece",
    ),
    "garbage bpe.model": (
        valid_v2(**{"sentencepiece.model": None, "bpe.model": bytes(range(256)) * 40}),
        r"does not translate \(bpe\.model: unreadable BPE model",
    ),
    "bpe.model of sentences, not merges": (
        valid_v2(**{"sentencepiece.model": None, "bpe.model": b"#version: 0.2\nnot a merge\n"}),
        r"bpe\.model: not a BPE model \(line 2 is not two subword units\)",
    ),
    "empty bpe.model": (
        valid_v2(**{"sentencepiece.model": None, "bpe.model": b""}),
        r"bpe\.model: not a BPE model \(no merges\)",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_ARCHIVES))
def test_hostile_archive_is_rejected_and_nothing_changes(tmp_path, installed_v1, case) -> None:
    members, problem = HOSTILE_ARCHIVES[case]
    archive = hostile(tmp_path, case.replace(" ", "-"), members)

    with pytest.raises(InputError, match=problem) as error:
        install_package_file(archive)
    assert str(archive) in str(error.value)
    assert "\n" not in str(error.value) and ".staging-" not in str(error.value)
    assert_untouched(installed_v1)
    assert not (tmp_path / "evil.txt").exists()


# --- BPE packages (older Argos ones: Moses tokenizer + subword-nmt codes in bpe.model) ------------


@functools.cache
def _bpe_codes() -> bytes:
    """subword-nmt codes learnt on the sample document, Moses-tokenized as Argos does."""
    from sacremoses import MosesTokenizer
    from subword_nmt.learn_bpe import learn_bpe

    moses = MosesTokenizer("vi")
    text = (REPO / "resources" / "samples" / "bvctnb-2023.vi.txt").read_text(encoding="utf-8")
    lines = [moses.tokenize(line, return_str=True) for line in text.splitlines()]
    codes = io.StringIO()
    learn_bpe(io.StringIO("\n".join([*lines, packages.TRIAL_SENTENCE])), codes, num_symbols=300)
    return codes.getvalue().encode()


def bpe_package(tmp_path: Path, *, vocabulary_fits: bool) -> Path:
    """vi->en 2.0 with bpe.model instead of sentencepiece.model. If `vocabulary_fits`, the
    model's vocabulary (same size, so the weights still apply) is made of the BPE tokens, as a
    model trained on them would have; otherwise it keeps the SentencePiece pieces it had."""
    members = valid_v2(**{"sentencepiece.model": None, "bpe.model": _bpe_codes()})
    if vocabulary_fits:
        codes = tmp_path / "bpe.model"
        codes.write_bytes(_bpe_codes())
        tokenizer = BPETokenizer(codes, "vi", "en")
        tokens = dict.fromkeys(tokenizer.encode(packages.TRIAL_SENTENCE))
        tokens.update(dict.fromkeys(tokenizer.encode(PHRASE_VI)))
        vocabulary = json.loads(members[f"{TOP}/model/shared_vocabulary.json"])
        specials = vocabulary[:3]  # <unk>, <s>, </s>: the model's stop signal stays at </s>
        rest = [token for token in tokens if token not in specials]
        merged = [*specials, *rest, *vocabulary[3:]][: len(vocabulary)]
        members[f"{TOP}/model/shared_vocabulary.json"] = json.dumps(merged).encode()
    name = "bpe-fits" if vocabulary_fits else "bpe-foreign"
    return hostile(tmp_path, name, members)


PHRASE_VI = "Công tác bảo vệ chính trị nội bộ là một bộ phận trọng yếu."


def test_a_bpe_package_whose_codes_fit_its_model_installs_and_translates(tmp_path) -> None:
    model = install_package_file(bpe_package(tmp_path, vocabulary_fits=True))
    assert (model.path / "bpe.model").is_file()
    assert not (model.path / "sentencepiece.model").exists()
    [translation] = TranslationEngine().translate([model], [PHRASE_VI], beam_size=1)
    assert translation.strip() and "@@" not in translation


def test_a_bpe_package_whose_codes_are_not_its_models_is_refused(tmp_path, installed_v1) -> None:
    """Well-formed codes, but the model knows none of the pieces they cut text into: every
    translation would be the source's raw subword pieces copied through."""
    archive = bpe_package(tmp_path, vocabulary_fits=False)
    with pytest.raises(InputError, match="its tokenizer does not match its model") as error:
        install_package_file(archive)
    assert str(archive) in str(error.value)
    assert_untouched(installed_v1)


def test_symlink_member_is_rejected(tmp_path: Path, installed_v1) -> None:
    archive = hostile(tmp_path, "symlink", valid_v2(), symlinks={f"{TOP}/link": "/etc/passwd"})
    with pytest.raises(InputError, match="symbolic link"):
        install_package_file(archive)
    assert_untouched(installed_v1)


def test_duplicate_member_is_rejected(tmp_path: Path, installed_v1) -> None:
    archive = hostile(tmp_path, "dup", valid_v2())
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(archive, "a") as zipped,
    ):
        zipped.writestr(f"{TOP}/metadata.json", json.dumps(metadata_for("en", "vi", "9.0")))
    with pytest.raises(InputError, match="duplicate member"):
        install_package_file(archive)
    assert_untouched(installed_v1)


def test_case_insensitive_duplicate_is_rejected(tmp_path: Path, installed_v1) -> None:
    archive = hostile(tmp_path, "case", valid_v2(**{"README.MD": b"other"}))
    with pytest.raises(InputError, match="duplicate member"):
        install_package_file(archive)
    assert_untouched(installed_v1)


def test_limits_on_members_and_total_size(tmp_path, installed_v1, monkeypatch) -> None:
    archive = hostile(tmp_path, "many", valid_v2())
    monkeypatch.setattr(packages, "MAX_MEMBERS", 3)
    with pytest.raises(InputError, match="too many members"):
        install_package_file(archive)
    monkeypatch.setattr(packages, "MAX_MEMBERS", 2000)
    monkeypatch.setattr(packages, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(InputError, match="exceeds the limit"):
        install_package_file(archive)
    assert_untouched(installed_v1)


def test_truncated_and_non_zip_files_are_rejected(tmp_path: Path, installed_v1) -> None:
    whole = hostile(tmp_path, "whole", valid_v2()).read_bytes()
    truncated = tmp_path / "truncated.argosmodel"
    truncated.write_bytes(whole[: len(whole) // 2])
    not_zip = tmp_path / "text.argosmodel"
    not_zip.write_text("hello", encoding="utf-8")
    for path in (truncated, not_zip):
        with pytest.raises(InputError, match=r"not a valid \.argosmodel zip") as error:
            install_package_file(path)
        assert str(path) in str(error.value)
    with pytest.raises(InputError, match="no such package file"):
        install_package_file(tmp_path / "missing.argosmodel")
    with pytest.raises(InputError, match="is a directory"):
        install_package_file(tmp_path)
    assert_untouched(installed_v1)


def test_corrupt_member_data_fails_during_extraction(tmp_path: Path, installed_v1) -> None:
    archive = hostile(tmp_path, "crc", valid_v2(), compression=zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    offset = _member_data_offset(archive, "model/model.bin") + 100  # stored uncompressed
    data[offset] ^= 0xFF
    archive.write_bytes(bytes(data))
    read_package_metadata(archive)  # the structure is fine: only the bytes are wrong
    with pytest.raises(InputError, match="damaged archive"):
        install_package_file(archive)
    assert_untouched(installed_v1)


def test_failed_swap_keeps_previous_version(tmp_path, installed_v1, monkeypatch) -> None:
    real_rename = os.rename

    def rename_failing_into_place(src, dst):
        if Path(src).parent.name.startswith(".staging-"):
            raise OSError(28, "No space left on device")
        return real_rename(src, dst)

    with monkeypatch.context() as patch, pytest.raises(InputError, match="cannot install"):
        patch.setattr(packages.os, "rename", rename_failing_into_place)
        install_package_file(minimal_package(tmp_path / "v2", version="2.0"))
    assert_untouched(installed_v1)


def test_installed_vi_en_fixture_uses_the_real_package(installed_vi_en) -> None:
    """The engine's real tiny package passes validation and installs (shared conftest fixture)."""
    assert find_installed("vi", "en") == installed_vi_en
    assert (installed_vi_en.path / "model" / "model.bin").stat().st_size > 0


def _member_data_offset(archive: Path, suffix: str) -> int:
    """Where a stored member's bytes start: after its local header, name and extra field."""
    with zipfile.ZipFile(archive) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith(suffix))
    raw = archive.read_bytes()
    name_length, extra_length = struct.unpack(
        "<HH", raw[info.header_offset + 26 : info.header_offset + 30]
    )
    return info.header_offset + 30 + name_length + extra_length


# --- two processes at once (a window and `bireader models`, or two windows) ---------------------

# Installs a package in another process, holding the install lock for a while: it says
# "installing" once its staging directory is extracted, then sleeps before the load check.
SLOW_INSTALLER = r"""
import sys, time
from pathlib import Path
from reader.core.translate import packages

real_check = packages._check_translates

def slow_check(package_dir, archive):
    print("installing", flush=True)
    time.sleep(float(sys.argv[2]))
    real_check(package_dir, archive)

packages._check_translates = slow_check
model = packages.install_package_file(Path(sys.argv[1]))
print("installed", model.version, flush=True)
"""


def start_slow_install(package: Path, hold_seconds: float) -> subprocess.Popen:
    """Another process installing `package`; returns once it holds the lock, mid-install."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # BIREADER_HOME: this test's data dir
    installer = subprocess.Popen(
        [sys.executable, "-c", SLOW_INSTALLER, str(package), str(hold_seconds)],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = installer.stdout.readline()
    if line.strip() != "installing":
        installer.kill()
        pytest.fail(f"the installer process did not start: {line!r} {installer.stderr.read()}")
    return installer


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    return out.strip()


def assert_only_installed(*versions: str) -> None:
    assert [model.version for model in list_installed()] == list(versions)
    assert sorted(p.name for p in models_dir().iterdir()) == (
        ["translate-vi_en"] if versions else []
    )  # no staging, aside or lock leftovers


def test_install_of_the_same_version_waits_for_the_other_process_and_keeps_its_work(
    tmp_path, monkeypatch
) -> None:
    package = minimal_package(tmp_path, version="2.0")
    other = start_slow_install(package, hold_seconds=2)
    extracted = []
    real_extract = packages._extract_all
    monkeypatch.setattr(
        packages, "_extract_all", lambda *args: extracted.append(1) or real_extract(*args)
    )

    started = time.monotonic()
    model = install_package_file(package)

    assert time.monotonic() - started > 0.5  # it waited for the other install to finish
    assert finish(other) == "installed 2.0"
    assert extracted == []  # and found it done: nothing installed twice
    assert model == find_installed("vi", "en")
    assert model.version == "2.0"
    assert_only_installed("2.0")


def test_install_and_remove_give_up_clearly_when_another_process_keeps_the_lock(
    tmp_path, monkeypatch
) -> None:
    other = start_slow_install(minimal_package(tmp_path / "v2", version="2.0"), hold_seconds=8)
    monkeypatch.setattr(packages, "LOCK_TIMEOUT_SECONDS", 0.3)
    mine = minimal_package(tmp_path / "v1", version="1.0")

    started = time.monotonic()
    with pytest.raises(ReaderError, match="another Bilingual Reader window") as error:
        install_package_file(mine)
    assert f"cannot install translate-vi_en 1.0 from {mine}" in str(error.value)
    with pytest.raises(ReaderError, match="cannot remove translate-vi_en: another"):
        remove_installed("vi_en")
    assert time.monotonic() - started < 6  # gave up, did not wait for the other to finish

    assert finish(other) == "installed 2.0"
    assert_only_installed("2.0")  # the other install is whole


def test_remove_waits_for_an_install_in_another_process_then_removes_what_it_installed(
    tmp_path,
) -> None:
    install_package_file(minimal_package(tmp_path / "v1", version="1.0"))
    other = start_slow_install(minimal_package(tmp_path / "v2", version="2.0"), hold_seconds=1)

    removed = remove_installed("vi_en")

    assert finish(other) == "installed 2.0"
    assert removed.version == "2.0"  # not 1.0 removed under the other process's feet
    assert_only_installed()


def test_remove_after_another_process_removed_it_says_so(tmp_path) -> None:
    install_package_file(minimal_package(tmp_path / "v1", version="1.0"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    remover = subprocess.Popen(
        [sys.executable, "-c", REMOVER],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert remover.stdout.readline().strip() == "removing"

    with pytest.raises(ReaderError, match="another Bilingual Reader process removed it meanwhile"):
        remove_installed("translate-vi_en")
    assert finish(remover) == "removed 1.0"
    assert_only_installed()


# Removes vi_en in another process, pausing with the lock held just before the removal.
REMOVER = r"""
import time
from reader.core.translate import packages

real_token_hex = packages.secrets.token_hex

def slow_token_hex(*args):
    print("removing", flush=True)
    time.sleep(1.5)
    return real_token_hex(*args)

packages.secrets.token_hex = slow_token_hex
print("removed", packages.remove_installed("vi_en").version, flush=True)
"""


def test_tidying_never_takes_a_running_install_in_another_process_for_a_crash(tmp_path) -> None:
    other = start_slow_install(minimal_package(tmp_path, version="2.0"), hold_seconds=1.5)

    assert list_installed() == []  # the other install's staging directory is left alone

    assert finish(other) == "installed 2.0"
    assert_only_installed("2.0")


# --- a crash between the two renames of a swap (kill -9 of the installing process) -------------

# Installs a package in another process that, right after the rename giving a swap directory
# its name (argv[2]: ".new-" or ".old-"), is killed (the state a power cut there would leave) or,
# with argv[3], says "between renames" and pauses that many seconds.
INTERRUPTED_INSTALLER = r"""
import os, signal, sys, time
from pathlib import Path
from reader.core.translate import packages

real_rename = os.rename

def rename_then_stop(source, destination):
    real_rename(source, destination)
    if Path(destination).name.startswith(sys.argv[2]):
        if len(sys.argv) < 4:
            os.kill(os.getpid(), signal.SIGKILL)
        print("between renames", flush=True)
        time.sleep(float(sys.argv[3]))

packages.os.rename = rename_then_stop
print("installed", packages.install_package_file(Path(sys.argv[1])).version, flush=True)
"""


@pytest.mark.parametrize(
    ("installed_before", "killed_after", "recovered"),
    [
        (None, ".new-", "2.0"),  # a first install: the verified new version goes in
        ("1.0", ".new-", "1.0"),  # the old version not yet set aside: the install never was
        ("1.0", ".old-", "2.0"),  # set aside (no model at its name): the install completes
    ],
)
def test_an_install_killed_between_renames_is_finished_or_undone_at_the_next_listing(
    tmp_path, installed_before, killed_after, recovered
) -> None:
    if installed_before:
        install_package_file(minimal_package(tmp_path / "v1", version=installed_before))
    new = minimal_package(tmp_path / "v2", version="2.0")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    killed = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_INSTALLER, str(new), killed_after],
        env=env,
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert any(p.name.startswith(killed_after) for p in models_dir().iterdir())

    started = time.monotonic()
    [model] = list_installed()

    assert time.monotonic() - started < 5  # at once, not after some timeout
    assert model.version == recovered
    assert model.digest == content_digest(model.path)
    assert sorted(p.name for p in models_dir().iterdir()) == ["translate-vi_en"]
    assert TranslationEngine().translate([model], [PHRASE_VI], beam_size=1)[0].strip()


def test_a_swap_in_progress_in_another_process_is_not_taken_for_an_interrupted_one(
    tmp_path,
) -> None:
    install_package_file(minimal_package(tmp_path / "v1", version="1.0"))
    package = minimal_package(tmp_path, version="2.0")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    other = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED_INSTALLER, str(package), ".old-", "1.5"],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert other.stdout.readline().strip() == "between renames", other.stderr.read()

    assert list_installed() == []  # mid-swap: nothing at the package's name, and nothing moved
    assert {".new-translate-vi_en", ".old-translate-vi_en"} <= {
        p.name for p in models_dir().iterdir()
    }

    assert finish(other) == "installed 2.0"
    assert_only_installed("2.0")


# --- content digests: the translation cache's key -----------------------------------------------


def test_the_key_names_the_files_not_just_the_version(tmp_path) -> None:
    first = install_package_file(minimal_package(tmp_path / "a", readme="first\n"))
    assert (first.path / ".bireader-digest").read_text().strip() == first.digest
    assert first.digest == content_digest(first.path)
    assert first.key == f"translate-vi_en@1.0#{first.digest[:16]}"
    # The same files again (the README is not read by translation): the same key.
    again = install_package_file(minimal_package(tmp_path / "b", readme="second\n"))
    assert again.key == first.key
    # The same version with other weights in model.bin: another key.
    other = install_package_file(build_argos_package(tmp_path / "c", "vi", "en", seed=3))
    assert other.version == first.version and other.key != first.key


def test_a_package_installed_before_digests_gets_one_once(tmp_path) -> None:
    model = install_package_file(minimal_package(tmp_path))
    digest_file = model.path / ".bireader-digest"
    digest_file.unlink()  # as an older release installed it

    [listed] = list_installed()

    assert listed.digest == model.digest
    assert digest_file.read_text().strip() == model.digest
    stamp = digest_file.stat().st_mtime_ns
    assert list_installed() == [listed]
    assert digest_file.stat().st_mtime_ns == stamp  # read back, not computed again


def test_unreadable_metadata_of_an_installed_package_is_skipped_not_a_crash(tmp_path) -> None:
    """Installed by an older release that let it through: `models list` must still work."""
    model = install_package_file(minimal_package(tmp_path))
    other = install_package_file(minimal_package(tmp_path, "en", "vi"))
    for content in (
        json.dumps({**metadata_for(), "from_name": "Vi\ud800"}).encode(),
        b"[" * 100_000 + b"]" * 100_000,
        json.dumps({**metadata_for(), "pad": "x" * packages.MAX_METADATA_BYTES}).encode(),
    ):
        (model.path / "metadata.json").write_bytes(content)
        assert list_installed() == [other]


# --- multi-pair packages (NLLB/M2M style: the target prefix is the target's language token) ---


def multi_pair_package(tmp_path: Path, **metadata_changes: object) -> Path:
    """A real en→fr/de package whose decoding starts with the target's token."""
    built = build_argos_package(
        tmp_path / "built", "en", "fr", seed=3, target_prefix="__fr__", extra_symbols=("__de__",)
    )
    metadata = json.loads(read_member(built, "metadata.json"))
    for name in ("from_code", "to_code", "from_name", "to_name", "target_prefix"):
        metadata.pop(name)
    metadata |= {
        "from_codes": ["en"],
        "to_codes": ["fr", "de"],
        "target_prefix": "__{to_code}__",
        "languages": [{"code": "fr", "name": "French"}, {"code": "de", "name": "German"}],
    } | metadata_changes
    return rewrite_member(
        built, tmp_path / "multi.argosmodel", "metadata.json", json.dumps(metadata)
    )


def read_member(archive: Path, name: str) -> bytes:
    with zipfile.ZipFile(archive) as zipped:
        [member] = [m for m in zipped.namelist() if m.endswith(f"/{name}")]
        return zipped.read(member)


def rewrite_member(archive: Path, dest: Path, name: str, text: str) -> Path:
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(dest, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            target.writestr(member, text if member.filename.endswith(f"/{name}") else data)
    return dest


def test_a_multi_pair_package_serves_each_pair_with_its_prefix(tmp_path: Path) -> None:
    install_package_file(multi_pair_package(tmp_path))
    french, german = find_installed("en", "fr"), find_installed("en", "de")
    assert (french.target_prefix, german.target_prefix) == ("__fr__", "__de__")
    assert (french.to_name, german.to_name) == ("French", "German")
    assert french.path == german.path and french.key != german.key  # one package, two caches
    engine = TranslationEngine()
    sentences = ["The protection of internal politics is important.", "Numbers such as 2020."]
    into_french = engine.translate([french], sentences)
    into_german = engine.translate([german], sentences)
    assert into_french != into_german  # the prefix steers the decoder
    assert not any("__" in text for text in into_french + into_german)  # and is not shown
    assert {model.code for model in list_installed()} == {french.code}
    remove_installed(french.code)
    assert list_installed() == []


def test_explicit_target_prefixes_win_over_the_template(tmp_path: Path) -> None:
    package = multi_pair_package(tmp_path, target_prefixes={"de": "__fr__"})
    assert {p.target_prefix for p in read_package_metadata(package).pairs} == {"__fr__"}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"target_prefix": ""}, "no target prefix for each"),
        ({"to_codes": []}, "not a list of language codes"),
        ({"to_codes": ["fr", "x y"]}, "not a list of language codes"),
        ({"from_codes": ["fr"], "to_codes": ["fr"]}, "into itself"),
        ({"target_prefixes": {"fr": "two tokens", "de": "__de__"}}, "not a single token"),
    ],
)
def test_a_bad_multi_pair_package_is_refused(tmp_path: Path, changes, problem) -> None:
    with pytest.raises(InputError, match=problem):
        install_package_file(multi_pair_package(tmp_path, **changes))
    assert list_installed() == []
