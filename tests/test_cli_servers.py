"""`bireader servers` and translating through a server from the CLI (a loopback test double)."""

from __future__ import annotations

import json

import pytest

from reader.cli import main
from reader.core.translate.remote import forget_clients
from tests.fake_translation_server import Reply, fake_server


@pytest.fixture(autouse=True)
def fresh_clients():
    yield
    forget_clients()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["servers", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_add_list_use_remove(capsys, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("k-789\n", "utf-8")
    with fake_server() as server:
        code, out, _ = run(capsys, "add", "office", server.url, "--api-key-file", str(key_file))
        assert code == 0 and "en_vi, vi_en" in out and "key: set" in out
        assert run(capsys, "use", "office", "--from", "vi", "--to", "en")[0] == 0
        assert run(capsys, "use", "office", "--fallback")[0] == 0
        code, out, _ = run(capsys, "list")
        assert "key: set" in out and "k-789" not in out
        assert "used for: vi_en, fallback" in out
        [row] = json.loads(run(capsys, "list", "--json")[1])
        assert row["used_for"] == ["vi_en"] and row["fallback"] and "k-789" not in json.dumps(row)
        assert run(capsys, "use", "--local", "--from", "vi", "--to", "en")[0] == 0
        assert json.loads(run(capsys, "list", "--json")[1])[0]["used_for"] == []
        assert run(capsys, "remove", "office")[0] == 0
    assert "no servers" in run(capsys, "list")[1]


def test_add_of_an_unreachable_server_exits_2_and_stores_nothing(capsys):
    code, _, err = run(capsys, "add", "office", "http://127.0.0.1:9")
    assert code == 2 and err.count("\n") == 1 and "server office" in err
    assert "no servers" in run(capsys, "list")[1]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("use", "office"), "give --from and --to"),
        (("use", "office", "--from", "vi"), "both --from and --to"),
        (("use", "nobody", "--fallback"), "no server named nobody"),
        (("remove", "nobody"), "no server named nobody"),
    ],
)
def test_usage_mistakes_are_one_line(capsys, args, problem):
    code, _, err = run(capsys, *args)
    assert code == 2 and problem in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (Reply(403, b'{"error": "Invalid API key"}'), "HTTP 403"),
        (Reply(500, b"{}"), "HTTP 500"),
        (Reply(200, b"garbage"), "not valid JSON"),
    ],
)
def test_translate_through_a_failing_server_exits_2_with_one_line(capsys, tmp_path, reply, problem):
    document = tmp_path / "doc.txt"
    document.write_text("Một câu ngắn. Câu thứ hai.", "utf-8")
    with fake_server() as server:
        run(capsys, "add", "office", server.url)
        run(capsys, "use", "office", "--from", "vi", "--to", "en")
        server.behaviour.replies.extend([reply] * 10)
        code = main(["translate", str(document), "--from", "vi", "--to", "en"])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2 and err.startswith(f"bireader: server office ({server.url}): ")
    assert problem in err


def test_translate_through_a_server(capsys, tmp_path):
    document = tmp_path / "doc.txt"
    document.write_text("Một câu ngắn. Câu thứ hai.", "utf-8")
    with fake_server() as server:
        run(capsys, "add", "office", server.url)
        run(capsys, "use", "office", "--from", "vi", "--to", "en")
        code = main(["translate", str(document), "--from", "vi", "--to", "en"])
    assert code == 0 and "EN: Một câu ngắn." in capsys.readouterr().out
