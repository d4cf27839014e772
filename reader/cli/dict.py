"""`bireader dict install FILE|list|remove NAME`: StarDict dictionaries for look-ups."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from reader.cli.options import language_code
from reader.cli.output import printable


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("dict", help="install, list and remove dictionaries (StarDict)")
    commands = parser.add_subparsers(dest="dict_command", metavar="ACTION", required=True)

    install = commands.add_parser(
        "install", help="install a StarDict dictionary: its .ifo, its folder, or an archive"
    )
    install.add_argument("file", type=Path, metavar="FILE")
    install.add_argument(
        "--from",
        dest="from_code",
        type=language_code,
        metavar="LANG",
        help="the headwords' language (default: detected)",
    )
    install.add_argument(
        "--to",
        dest="to_code",
        type=language_code,
        metavar="LANG",
        help="the definitions' language (default: detected)",
    )
    install.set_defaults(func=_install)

    listing = commands.add_parser("list", help="installed dictionaries")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    remove = commands.add_parser("remove", help="remove an installed dictionary")
    remove.add_argument("name", help="its name, as `dict list` shows it")
    remove.set_defaults(func=_remove)


def _install(args: argparse.Namespace) -> int:
    from reader.core.dictionary.installed import install_dictionary

    info = install_dictionary(args.file, args.from_code, args.to_code)
    print(
        printable(
            f"installed {info.name} ({info.title}: {info.wordcount} headwords, "
            f"{info.source_language} → {info.target_language})"
        )
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    from reader.core.dictionary.installed import list_dictionaries

    infos = list_dictionaries()
    if args.json:
        print(json.dumps([asdict(info) for info in infos], ensure_ascii=False, indent=2))
        return 0
    if not infos:
        print("no dictionaries installed (see `bireader dict install --help`)", file=sys.stderr)
    for info in infos:
        languages = f"{info.source_language} → {info.target_language}"
        print(printable(f"{info.name:<24} {languages:<10} {info.wordcount:>8}  {info.title}"))
    return 0


def _remove(args: argparse.Namespace) -> int:
    from reader.core.dictionary.installed import remove_dictionary

    info = remove_dictionary(args.name)
    print(printable(f"removed {info.name}"))
    return 0
