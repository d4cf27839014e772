"""The StarDict format: .ifo checks, 32- and 64-bit .idx, dictzip random access, fields."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from reader.core.dictionary.stardict import (
    Articles,
    read_idx,
    read_ifo,
    read_syn,
    split_fields,
)
from reader.core.errors import InputError
from tests.stardict_builder import dictzip, write_stardict


def _ifo(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.ifo"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_ifo_facts_are_read(tmp_path: Path):
    path = write_stardict(tmp_path, {"a": "1", "b": "2"}, bookname="Từ điển", types="h")
    ifo = read_ifo(path)
    assert (ifo.bookname, ifo.wordcount, ifo.sametypesequence, ifo.offset_bits) == (
        "Từ điển",
        2,
        "h",
        32,
    )
    assert ifo.idxfilesize == (tmp_path / "test.idx").stat().st_size


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("version=2.4.2\nwordcount=1\nidxfilesize=9\n", "first line"),
        ("StarDict's dict ifo file\nversion=1.0\nwordcount=1\nidxfilesize=9\n", "version"),
        ("StarDict's dict ifo file\nversion=2.4.2\nidxfilesize=9\n", "wordcount is missing"),
        ("StarDict's dict ifo file\nversion=2.4.2\nwordcount=x\nidxfilesize=9\n", "wordcount"),
        (
            "StarDict's dict ifo file\nversion=2.4.2\nwordcount=1\nidxfilesize=9\n"
            "idxoffsetbits=64\n",
            "idxoffsetbits",
        ),
        (
            "StarDict's dict ifo file\nversion=2.4.2\nwordcount=1\nidxfilesize=9\n"
            "sametypesequence=mZ\n",
            "unknown types 'Z'",
        ),
    ],
)
def test_an_unusable_ifo_is_refused_naming_the_problem(tmp_path: Path, body: str, problem: str):
    with pytest.raises(InputError, match=problem) as caught:
        read_ifo(_ifo(tmp_path, body))
    assert caught.value.path.name == "x.ifo"


@pytest.mark.parametrize("bits", [32, 64])
def test_index_offsets_of_both_widths_are_read(tmp_path: Path, bits: int):
    articles = {"bảo": "to tell", "bảo vệ": "to protect", "Ban Bí thư": "the Secretariat"}
    path = write_stardict(tmp_path, articles, offset_bits=bits)
    ifo = read_ifo(path)
    entries = list(read_idx((tmp_path / "test.idx").read_bytes(), ifo.offset_bits, path))
    data = (tmp_path / "test.dict").read_bytes()
    assert {e.headword: data[e.offset : e.offset + e.size].decode() for e in entries} == articles


def test_a_truncated_index_is_an_input_error(tmp_path: Path):
    write_stardict(tmp_path, {"một": "one", "hai": "two"})
    data = (tmp_path / "test.idx").read_bytes()[:-3]
    with pytest.raises(InputError, match="damaged"):
        list(read_idx(data, 32, tmp_path / "test.idx"))


def test_synonyms_point_at_headword_ordinals(tmp_path: Path):
    write_stardict(tmp_path, {"hoà": "peace", "nước": "water"}, synonyms={"hòa": "hoà"})
    assert list(read_syn((tmp_path / "test.syn").read_bytes(), tmp_path)) == [("hòa", 0)]


def test_dictzip_is_what_gzip_reads():
    data = random.Random(1).randbytes(10_000)
    assert gzip.decompress(dictzip(data, 1000)) == data


def test_dictzip_articles_are_read_by_random_access_across_chunks(tmp_path: Path):
    rng = random.Random(7)
    articles = {
        f"từ {n}": " ".join(rng.choice("abc xyz ờ ữ") for _ in range(rng.randint(1, 300)))
        for n in range(200)
    }
    write_stardict(tmp_path, articles, dictzip_chunk=500)
    plain = write_stardict(tmp_path / "plain", articles)
    entries = list(read_idx((plain.parent / "test.idx").read_bytes(), 32, plain))
    packed = Articles(tmp_path / "test.dict.dz")
    assert packed.size() == sum(len(a.encode()) for a in articles.values())
    for entry in entries:  # in index order: each chunk inflated once, not the whole file
        assert packed.read(entry.offset, entry.size).decode() == articles[entry.headword]
    chunks = len(packed._chunks.starts) - 1
    assert packed._chunks.cache_info().misses <= chunks + 1  # + the last, for size() above


def test_a_gzip_file_without_a_chunk_table_is_refused(tmp_path: Path):
    path = tmp_path / "test.dict.dz"
    path.write_bytes(gzip.compress(b"plain gzip"))
    with pytest.raises(InputError, match="not dictzip"):
        Articles(path)


def test_fields_follow_the_same_type_sequence():
    fields = split_fields(b"/bao/\0to tell", "tm")
    assert [(f.type, f.text) for f in fields] == [("t", "/bao/"), ("m", "to tell")]


def test_fields_without_a_sequence_carry_their_type():
    article = b"mto tell\0W\0\0\0\x03abch<b>x</b>\0"
    fields = split_fields(article, "")
    assert [(f.type, f.data) for f in fields] == [
        ("m", b"to tell"),
        ("W", b"abc"),
        ("h", b"<b>x</b>"),
    ]
