"""`bireader models ...`: listing, installing from a file or a download, removing, errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli import models as models_cli
from reader.core.translate import catalogue
from reader.core.translate.catalogue import find_entry
from reader.core.translate.packages import list_installed
from tests.package_zips import metadata_for, minimal_package, package_members, write_zip
from tests.range_server import RangeServer


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["models", *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("bireader: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_available_shows_vietnamese_with_size_and_install_state(capsys, tmp_path) -> None:
    code, out, _ = run(capsys, "available")
    assert code == 0
    [row] = [line for line in out.splitlines() if line.startswith("translate-vi_en ")]
    assert "Vietnamese → English" in row
    assert "65.9 MB" in row
    assert row.split()[-1] == "-"

    assert run(capsys, "install", str(minimal_package(tmp_path, version="1.0")))[0] == 0
    _, out, _ = run(capsys, "available")
    [row] = [line for line in out.splitlines() if line.startswith("translate-vi_en ")]
    assert row.endswith("1.0 (update available)")


def test_available_json(capsys) -> None:
    code, out, _ = run(capsys, "available", "--json")
    assert code == 0
    rows = {row["code"]: row for row in json.loads(out)}
    assert rows["translate-vi_en"]["size"] == 65_895_840
    assert rows["translate-vi_en"]["installed"] is None
    assert rows["translate-en_vi"]["sha256"] is None


def test_install_file_then_list_and_remove(capsys, tmp_path) -> None:
    package = minimal_package(tmp_path)
    code, out, _ = run(capsys, "install", str(package))
    assert (code, out.strip()) == (0, "installed translate-vi_en 1.0 (Vietnamese → English)")

    code, out, _ = run(capsys, "list", "--json")
    [row] = json.loads(out)
    assert (row["code"], row["version"]) == ("translate-vi_en", "1.0")
    assert Path(row["path"]).is_dir()
    _, out, _ = run(capsys, "list")
    assert out.startswith("translate-vi_en ")

    code, out, _ = run(capsys, "remove", "vi-en")
    assert (code, out.strip()) == (0, "removed translate-vi_en 1.0 (Vietnamese → English)")
    assert run(capsys, "list", "--json")[1].strip() == "[]"


def test_bad_package_file_is_one_line_exit_2_and_keeps_installed(capsys, tmp_path) -> None:
    run(capsys, "install", str(minimal_package(tmp_path / "good")))
    evil = write_zip(tmp_path / "evil.argosmodel", {"pkg/../../evil": b"x"})

    code, out, err = run(capsys, "install", str(evil))

    assert (code, out) == (2, "")
    assert_one_line_error(err, str(evil), "escapes")
    assert [model.version for model in list_installed()] == ["1.0"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["install", "missing.argosmodel"], "no such package file"),
        (["install", "vi_fr"], "no model vi_fr in the catalogue"),
        (["install", "--from", "vi", "--to", "fr"], "no model vi_fr in the catalogue"),
        (["install", "--from", "VI", "--to", " Fr "], "no model vi_fr in the catalogue"),
        (["install", "vi_en", "--from", "vi"], "not both"),
        (["install"], "give a model code"),
        (["install", "nonsense"], "is not a model code"),
        (["remove", "vi_en"], "not installed"),
    ],
)
def test_user_errors_exit_2_without_traceback(capsys, no_network, args, fragment) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert_one_line_error(err, fragment)


def test_refresh_offline_fails_clearly(capsys, monkeypatch) -> None:
    with RangeServer() as server:
        closed = server.url("/index.json")
    monkeypatch.setattr(catalogue, "remote_index_url", lambda: closed)
    code, out, err = run(capsys, "available", "--refresh")
    assert (code, out) == (2, "")
    assert_one_line_error(err, "cannot fetch the model index", "offline")


def test_install_by_code_downloads_with_progress_and_reports_new_hash(
    capsys, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    real = find_entry("en_vi")  # no checksum in the catalogue
    body = minimal_package(tmp_path, "en", "vi", version=real.version).read_bytes()
    with RangeServer() as server:
        server.behaviour.files["/en_vi.argosmodel"] = body
        local = catalogue.CatalogueEntry(
            **{**real.__dict__, "links": (server.url("/en_vi.argosmodel"),)}
        )
        monkeypatch.setattr(models_cli, "find_entry", lambda code: local)
        code, out, err = run(capsys, "install", "en-vi")

    assert (code, out.strip()) == (0, "installed translate-en_vi 1.9 (English → Vietnamese)")
    assert "translate-en_vi:" in err  # the tqdm bar
    assert hashlib.sha256(body).hexdigest() in err
    assert find_entry("en_vi").sha256 == hashlib.sha256(body).hexdigest()


def test_a_package_with_unprintable_names_is_refused_and_list_keeps_working(
    capsys, tmp_path
) -> None:
    run(capsys, "install", str(minimal_package(tmp_path / "good")))
    members = package_members(version="2.0")
    top = "translate-vi_en-2_0"
    metadata = {**metadata_for(version="2.0"), "from_name": "Vietnamese\ud800"}
    members[f"{top}/metadata.json"] = json.dumps(metadata).encode()  # valid JSON: \ud800
    evil = write_zip(tmp_path / "evil.argosmodel", members)

    code, out, err = run(capsys, "install", str(evil))

    assert (code, out) == (2, "")
    assert_one_line_error(err, str(evil), "metadata.json has a string that is not valid Unicode")
    for args in (["list"], ["list", "--json"]):
        code, out, _ = run(capsys, *args)
        assert code == 0 and "1.0" in out
