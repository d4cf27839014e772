"""The catalogue: bundled Argos index + our extra entries + a refreshed index + recorded hashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core.errors import InputError, ReaderError
from reader.core.paths import data_dir, resources_dir
from reader.core.translate.catalogue import (
    find_entry,
    load_catalogue,
    read_index,
    record_verified,
    refresh_catalogue,
    user_catalogue_dir,
    user_index_path,
)
from tests.range_server import RangeServer

VI_EN_SHA256 = "ebd51b7189b13eccb9238a5777de1d343008c4c05284a8b89610242364433953"


def index_entry(from_code: str = "vi", to_code: str = "en", version: str = "2.0", **extra) -> dict:
    code = f"translate-{from_code}_{to_code}"
    return {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": from_code,
        "to_code": to_code,
        "to_name": to_code,
        "links": [f"https://example.org/{code}.argosmodel"],
        "code": code,
        **extra,
    }


def write_user_index(entries: list[dict]) -> None:
    user_index_path().write_text(json.dumps(entries), encoding="utf-8")


def test_bundled_catalogue_has_every_index_entry_plus_vietnamese() -> None:
    bundled = json.loads((resources_dir() / "catalogue" / "index.json").read_text())
    catalogue = load_catalogue()
    codes = [entry.code for entry in catalogue]
    assert sorted(codes) == codes
    assert set(codes) == {item["code"] for item in bundled} | {"translate-vi_en", "translate-en_vi"}


def test_extra_entries_carry_known_figures_or_none() -> None:
    vi_en = find_entry("vi_en")
    assert (vi_en.from_name, vi_en.to_name, vi_en.version) == ("Vietnamese", "English", "1.9")
    assert vi_en.size == 65_895_840
    assert vi_en.sha256 == VI_EN_SHA256
    assert vi_en.links == ("https://argos-net.com/v1/translate-vi_en-1_9.argosmodel",)
    en_vi = find_entry("translate-en_vi")
    assert (en_vi.size, en_vi.sha256) == (None, None)


def test_find_entry_unknown_pair_is_none() -> None:
    assert find_entry("vi-fr") is None


def test_refreshed_index_overrides_only_with_higher_versions() -> None:
    write_user_index([index_entry("vi", "en", "2.0"), index_entry("de", "en", "0.1")])
    assert find_entry("vi_en").version == "2.0"
    assert find_entry("vi_en").sha256 is None  # figures belong to 1.9, not to the new version
    assert find_entry("de_en").version != "0.1"


def test_extra_entry_wins_a_version_tie_for_its_figures() -> None:
    write_user_index([index_entry("vi", "en", "1.9")])
    assert find_entry("vi_en").sha256 == VI_EN_SHA256


def test_recorded_figures_apply_to_that_version_only() -> None:
    en_vi = find_entry("en_vi")
    record_verified(en_vi, 1234, "a" * 64)
    assert (find_entry("en_vi").size, find_entry("en_vi").sha256) == (1234, "a" * 64)
    write_user_index([index_entry("en", "vi", "2.0")])
    assert find_entry("en_vi").sha256 is None


def test_read_index_skips_unusable_entries(tmp_path: Path) -> None:
    path = tmp_path / "index.json"
    entries = [
        index_entry("vi", "en", links=["ipfs://Qm", "https://example.org/vi_en.argosmodel"]),
        index_entry("fr", "en", links=["http://insecure.example/x.argosmodel"]),
        index_entry("de", "en", links=[]),
        index_entry("es", "en", sha256="not-a-hash"),
        index_entry("it", "en", size=-1),
        {**index_entry("ja", "en"), "type": "sbd"},
        {**index_entry("ko", "en"), "from_code": None},
        "not an object",
    ]
    path.write_text(json.dumps(entries), encoding="utf-8")
    [entry] = read_index(path)
    assert entry.code == "translate-vi_en"
    assert entry.links == ("https://example.org/vi_en.argosmodel",)


@pytest.mark.parametrize("content", ["{", '{"a": 1}'])
def test_read_index_rejects_a_broken_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "index.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="index"):
        read_index(path)


def test_refresh_fetches_and_stores_the_index() -> None:
    with RangeServer() as server:
        server.behaviour.files["/index.json"] = json.dumps(
            [index_entry("vi", "en", "3.0")]
        ).encode()
        assert refresh_catalogue(server.url("/index.json"), timeout=5) == 1
    assert user_index_path().is_file()
    assert find_entry("vi_en").version == "3.0"


def test_refresh_leaves_another_refresh_s_download_alone() -> None:
    others = user_catalogue_dir() / ".index.json.download"  # the name every refresh once used
    others.write_bytes(b"[]")
    with RangeServer() as server:
        server.behaviour.files["/index.json"] = json.dumps(
            [index_entry("vi", "en", "3.0")]
        ).encode()
        assert refresh_catalogue(server.url("/index.json"), timeout=5) == 1
    assert others.read_bytes() == b"[]"
    assert sorted(path.name for path in user_catalogue_dir().iterdir()) == [
        ".index.json.download",
        "index.json",
    ]


def test_refresh_failure_keeps_the_previous_index() -> None:
    write_user_index([index_entry("vi", "en", "2.0")])
    with RangeServer() as server:
        server.behaviour.files["/index.json"] = b"<html>captive portal</html>"
        with pytest.raises(ReaderError, match="cannot read the model index"):
            refresh_catalogue(server.url("/index.json"), timeout=5)
        with pytest.raises(ReaderError, match="HTTP 404"):
            refresh_catalogue(server.url("/missing.json"), timeout=5)
        unreachable = server.url("/index.json")
    with pytest.raises(ReaderError, match=r"cannot fetch the model index .* \(offline\?\)"):
        refresh_catalogue(unreachable, timeout=5)  # server stopped: connection refused
    assert find_entry("vi_en").version == "2.0"
    assert not list((data_dir() / "catalogue").glob(".*"))
