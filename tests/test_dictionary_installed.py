"""Installing dictionaries from files, folders and archives: checked whole, then swapped into
the data directory; anything wrong leaves nothing new and the old dictionary working."""

from __future__ import annotations

import io
import os
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from reader.core.dictionary.installed import (
    UnknownDictionaryError,
    dictionaries_dir,
    install_dictionary,
    list_dictionaries,
    open_dictionaries,
    open_dictionary,
    remove_dictionary,
)
from reader.core.dictionary.normalise import headword_key
from reader.core.errors import InputError
from tests.conftest import SHARED
from tests.stardict_builder import write_stardict

OVDP = SHARED / "data" / "dictionaries" / "ovdp-vi-en.stardict.tar.gz"
VI_EN = {
    "bảo": "to tell, to say",
    "bảo vệ": "to protect, to defend",
    "hoà bình": "peace",
    "Ban Bí thư": "the Secretariat (of the Party Central Committee)",
    "nội bộ": "internal",
}


def _tar(source: Path, target: Path, mode: str = "w:gz") -> Path:
    with tarfile.open(target, mode) as archive:
        archive.add(source, arcname=source.name)
    return target


def _definitions(name: str, word: str) -> list[str]:
    dictionary = open_dictionary(name)
    try:
        return [a.fields[0].text for a in dictionary.lookup(headword_key(word))]
    finally:
        dictionary.close()


@pytest.fixture
def vi_en_folder(tmp_path: Path) -> Path:
    write_stardict(tmp_path / "vi-en", VI_EN, bookname="Việt–Anh nhỏ", dictzip_chunk=16)
    return tmp_path / "vi-en"


@pytest.mark.parametrize("form", ["ifo", "folder", "tar.gz", "tar.bz2", "zip"])
def test_a_dictionary_installs_from_each_form(vi_en_folder: Path, tmp_path: Path, form: str):
    if form == "ifo":
        source = vi_en_folder / "test.ifo"
    elif form == "folder":
        source = vi_en_folder
    elif form == "zip":
        source = tmp_path / "d.zip"
        with zipfile.ZipFile(source, "w") as archive:
            for path in vi_en_folder.iterdir():
                archive.write(path, f"vi-en/{path.name}")
    else:
        source = _tar(vi_en_folder, tmp_path / f"d.{form}", f"w:{form.split('.')[1][:3]}")
    info = install_dictionary(source, "vi", "en")
    assert (info.name, info.title, info.wordcount) == ("viet-anh-nho", "Việt–Anh nhỏ", 5)
    assert [i.name for i in list_dictionaries()] == [info.name]
    assert _definitions(info.name, "hòa bình") == ["peace"]  # new-style spelling, old headword


def test_languages_are_detected_when_not_given(tmp_path: Path):
    articles = {
        f"từ {word}": f"the word {word} means something that people say in everyday English talk"
        for word in [
            "một",
            "hai",
            "ba",
            "bốn",
            "năm",
            "sáu",
            "bảy",
            "tám",
            "chín",
            "mười",
            "nghìn",
            "triệu",
            "trăm",
        ]
    } | {"Bộ Chính trị quyết định về công tác cán bộ": "a decision of the Politburo on cadres"}
    write_stardict(tmp_path / "d", articles)
    info = install_dictionary(tmp_path / "d")
    assert (info.source_language, info.target_language) == ("vi", "en")


def test_synonyms_are_looked_up_too(tmp_path: Path):
    write_stardict(tmp_path / "d", {"nước": "water"}, synonyms={"nuoc": "nước"})
    info = install_dictionary(tmp_path / "d", "vi", "en")
    assert _definitions(info.name, "NUOC") == ["water"]


def _tar_with(tmp_path: Path, member: tarfile.TarInfo, data: bytes = b"") -> Path:
    target = tmp_path / "bad.tar.gz"
    folder = tmp_path / "src"
    write_stardict(folder, VI_EN)
    with tarfile.open(target, "w:gz") as archive:
        for path in folder.iterdir():
            archive.add(path, arcname=f"d/{path.name}")
        archive.addfile(member, io.BytesIO(data) if data else None)
    return target


@pytest.mark.parametrize(
    ("member", "problem"),
    [
        (tarfile.TarInfo("../evil.syn"), "escapes"),
        (tarfile.TarInfo("/etc/evil.syn"), "absolute"),
        (tarfile.TarInfo("d/link.dict"), "link"),
    ],
)
def test_a_hostile_archive_is_refused_and_leaves_nothing(
    tmp_path: Path, member: tarfile.TarInfo, problem: str
):
    if member.name.endswith("link.dict"):
        member.type, member.linkname = tarfile.SYMTYPE, "/etc/passwd"
    source = _tar_with(tmp_path, member)
    with pytest.raises(InputError, match=problem):
        install_dictionary(source, "vi", "en")
    assert list(dictionaries_dir().iterdir()) == []


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"idxfilesize": "7"}, "idxfilesize=7"),
        ({"wordcount": "9"}, "the .ifo says 9"),
        ({"version": "9.9"}, "version"),
    ],
)
def test_files_that_disagree_with_the_ifo_are_refused(tmp_path: Path, overrides, problem):
    write_stardict(tmp_path / "d", VI_EN, ifo_overrides=overrides)
    with pytest.raises(InputError, match=problem):
        install_dictionary(tmp_path / "d", "vi", "en")
    assert list(dictionaries_dir().iterdir()) == []


def test_an_index_pointing_past_the_articles_is_refused(tmp_path: Path):
    write_stardict(tmp_path / "d", VI_EN)
    articles = tmp_path / "d" / "test.dict"
    articles.write_bytes(articles.read_bytes()[:-5])
    with pytest.raises(InputError, match="past the end"):
        install_dictionary(tmp_path / "d", "vi", "en")


@pytest.mark.parametrize("missing", ["test.idx", "test.dict"])
def test_a_dictionary_missing_a_file_is_refused(tmp_path: Path, missing: str):
    write_stardict(tmp_path / "d", VI_EN)
    (tmp_path / "d" / missing).unlink()
    with pytest.raises(InputError, match="has no"):
        install_dictionary(tmp_path / "d", "vi", "en")


def test_two_dictionaries_in_one_archive_are_refused(tmp_path: Path):
    write_stardict(tmp_path / "d", VI_EN, stem="one")
    write_stardict(tmp_path / "d", VI_EN, stem="two")
    with pytest.raises(InputError, match="holds 2 dictionaries"):
        install_dictionary(_tar(tmp_path / "d", tmp_path / "d.tar.gz"), "vi", "en")


def test_something_else_is_refused(tmp_path: Path):
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(InputError, match="not a StarDict dictionary"):
        install_dictionary(other)
    damaged = tmp_path / "d.tar.gz"
    damaged.write_bytes(b"\x1f\x8b not really")
    with pytest.raises(InputError, match="not a readable tar archive"):
        install_dictionary(damaged)


def test_a_failed_reinstall_keeps_the_installed_dictionary(tmp_path: Path):
    write_stardict(tmp_path / "good", VI_EN, bookname="Mine")
    name = install_dictionary(tmp_path / "good", "vi", "en").name
    write_stardict(tmp_path / "bad", VI_EN, bookname="Mine", ifo_overrides={"wordcount": "99"})
    with pytest.raises(InputError):
        install_dictionary(tmp_path / "bad", "vi", "en")
    assert _definitions(name, "bảo vệ") == ["to protect, to defend"]
    assert [p.name for p in dictionaries_dir().iterdir()] == [name]


def test_reinstalling_replaces_and_removing_removes(tmp_path: Path):
    write_stardict(tmp_path / "v1", {"bảo vệ": "old"}, bookname="Mine")
    write_stardict(tmp_path / "v2", {"bảo vệ": "new"}, bookname="Mine")
    name = install_dictionary(tmp_path / "v1", "vi", "en").name
    assert install_dictionary(tmp_path / "v2", "vi", "en").name == name
    assert _definitions(name, "bảo vệ") == ["new"]
    remove_dictionary(name)
    assert list_dictionaries() == []
    with pytest.raises(UnknownDictionaryError):
        remove_dictionary(name)
    with pytest.raises(UnknownDictionaryError):
        open_dictionary("../packages")


def test_a_dictionary_damaged_after_install_is_left_out_with_a_warning(tmp_path: Path):
    write_stardict(tmp_path / "a", VI_EN, bookname="One")
    write_stardict(tmp_path / "b", VI_EN, bookname="Two")
    install_dictionary(tmp_path / "a", "vi", "en")
    broken = install_dictionary(tmp_path / "b", "vi", "en")
    (dictionaries_dir() / broken.name / "index.sqlite3").unlink()
    with pytest.warns(UserWarning, match="left out of look-ups"):
        opened = open_dictionaries("vi")
    assert [d.info.title for d in opened] == ["One"]
    opened[0].close()


def test_a_symlinked_file_in_a_folder_is_not_followed(tmp_path: Path):
    write_stardict(tmp_path / "d", VI_EN)
    secret = tmp_path / "secret"
    secret.write_bytes(b"x" * 10_000)
    os.remove(tmp_path / "d" / "test.dict")
    os.symlink(secret, tmp_path / "d" / "test.dict")
    with pytest.raises(InputError, match=r"has no \.dict"):
        install_dictionary(tmp_path / "d", "vi", "en")


@pytest.mark.skipif(not OVDP.is_file(), reason="needs ../shared/data/dictionaries")
def test_the_real_dictionary_opens_fast_and_reads_its_articles(tmp_path: Path):
    info = install_dictionary(OVDP)
    assert (info.wordcount, info.source_language, info.target_language) == (42252, "vi", "en")
    started = time.perf_counter()
    (dictionary,) = open_dictionaries("vi")
    opened = time.perf_counter() - started
    try:
        assert opened < 0.2
        articles = dictionary.lookup(headword_key("hòa bình"))  # the file has "hoà bình"
        assert any("peace" in a.fields[0].text for a in articles)
        assert "secretariat" in dictionary.lookup(headword_key("Ban Bí thư"))[0].fields[0].text
    finally:
        dictionary.close()
