"""Language options: every command reads `--from`, `--to` and `--lang` with the same helpers,
so case and spaces never matter and a malformed code is a usage error naming the option."""

from __future__ import annotations

import argparse

import pytest

from reader.cli import build_parser, main
from reader.cli.options import language_code, source_language

LANGUAGE_OPTIONS = {"--from", "--to", "--lang"}


def _language_actions(parser: argparse.ArgumentParser, command: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield from _language_actions(subparser, (*command, name))
        elif LANGUAGE_OPTIONS & set(action.option_strings) and action.metavar != "URL":
            yield " ".join(command), action  # (`library migrate --to URL` names a library)


def test_every_language_option_uses_a_shared_normaliser() -> None:
    actions = list(_language_actions(build_parser()))
    found = {
        (command, option)
        for command, action in actions
        for option in action.option_strings
        if option in LANGUAGE_OPTIONS
    }
    assert {
        ("open", "--from"),
        ("open", "--to"),
        ("library add", "--lang"),
        ("library add", "--from"),
        ("segment", "--lang"),
        ("translate", "--from"),
        ("translate", "--to"),
        ("models install", "--from"),
        ("models install", "--to"),
        ("export", "--from"),
        ("export", "--to"),
    } <= found
    for command, action in actions:
        assert action.type in (source_language, language_code), (command, action.option_strings)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("vi", "vi"), ("VI", "vi"), (" En ", "en"), ("AUTO", "auto"), ("pt-BR", "pt-br")],
)
def test_source_language_is_lowercased(value: str, expected: str) -> None:
    assert source_language(value) == expected


@pytest.mark.parametrize("value", ["", "v", "vi en", "vi_en", "123", "vietnamese", "vi-", "é"])
def test_malformed_codes_are_refused(value: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="not a language code"):
        source_language(value)
    with pytest.raises(argparse.ArgumentTypeError, match="not a language code"):
        language_code(value)


def test_a_named_language_is_not_auto() -> None:
    assert language_code(" FR ") == "fr"
    with pytest.raises(argparse.ArgumentTypeError, match="only applies to a document"):
        language_code("Auto")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["open", "f.txt", "--from", "VI", "--to", "EN"],
            {"source_language": "vi", "target_language": "en"},
        ),
        (["library", "add", "f.txt", "--from", "VI"], {"lang": "vi"}),
        (["library", "add", "f.txt", "--lang", "Auto"], {"lang": "auto"}),
        (["segment", "f.txt", "--lang", "VI"], {"lang": "vi"}),
        (
            ["translate", "f.txt", "--from", "VI", "--to", "EN"],
            {"from_code": "vi", "to_code": "en"},
        ),
        (["models", "install", "--from", "VI", "--to", "EN"], {"from_code": "vi", "to_code": "en"}),
        (
            ["export", "f.txt", "--from", "Vi", "--to", "EN", "-o", "o.html"],
            {"from_code": "vi", "to_code": "en"},
        ),
    ],
)
def test_every_command_lowercases_its_language_codes(argv: list[str], expected: dict) -> None:
    args = build_parser().parse_args(argv)
    assert {name: getattr(args, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["open", "f.txt", "--from", "v!"], "argument --from"),
        (["open", "f.txt", "--to", "auto"], "argument --to"),
        (["library", "add", "f.txt", "--from", "12"], "argument --lang/--from"),
        (["segment", "f.txt", "--lang", "not a code"], "argument --lang"),
        (["translate", "f.txt", "--from", "vi en"], "argument --from"),
        (["translate", "f.txt", "--to", "e1"], "argument --to"),
        (["models", "install", "--from", "auto", "--to", "en"], "argument --from"),
        (["export", "f.txt", "--to", "E N", "-o", "o.html"], "argument --to"),
    ],
)
def test_malformed_code_is_a_usage_error_naming_the_option(
    argv: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"{option}: " in err and "Traceback" not in err
