"""`bireader servers add|list|remove|use`: LibreTranslate servers that translate for us."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from reader.cli.options import language_code
from reader.cli.output import printable
from reader.core.errors import ReaderError
from reader.core.translate import servers
from reader.core.translate.remote import LibreTranslateClient


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("servers", help="LibreTranslate servers to translate with")
    commands = parser.add_subparsers(dest="servers_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="add a server (asks it which pairs it translates)")
    add.add_argument("name", help="a short name, e.g. office")
    add.add_argument("url", help="e.g. http://gpu-box:5000")
    add.add_argument(
        "--api-key-file", type=Path, metavar="FILE", help="a file holding the server's API key"
    )
    add.set_defaults(func=_add)

    listing = commands.add_parser("list", help="the servers, their pairs and what uses them")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    remove = commands.add_parser("remove", help="forget a server and its API key")
    remove.add_argument("name")
    remove.set_defaults(func=_remove)

    use = commands.add_parser(
        "use", help="translate a pair with a server, or use it when no local model exists"
    )
    use.add_argument("name", nargs="?", help="the server (omit with --local / --no-fallback)")
    use.add_argument("--from", dest="from_code", type=language_code, metavar="LANG")
    use.add_argument("--to", dest="to_code", type=language_code, metavar="LANG")
    use.add_argument(
        "--fallback", action="store_true", help="for every pair no installed model translates"
    )
    use.add_argument("--local", action="store_true", help="the pair goes back to local models")
    use.add_argument("--no-fallback", action="store_true", help="no fallback server")
    use.set_defaults(func=_use)


def _add(args: argparse.Namespace) -> int:
    servers.check_name(args.name)
    url = servers.normalise_url(args.url)
    key = servers.read_key_file(args.api_key_file) if args.api_key_file else None
    servers.load_registry()  # an unusable data folder (or list) fails before the network is asked
    client = LibreTranslateClient(servers.Server(args.name, url), key)
    try:
        models = client.served_models()
    finally:
        client.close()
    server = servers.add_server(args.name, url, api_key=key, models=models)
    pairs = ", ".join(sorted(models)) or "none"
    print(f"added {server.name} ({server.url}): pairs {pairs}; key: {_key_status(server)}")
    return 0


def _key_status(server: servers.Server) -> str:
    return f"set ({server.key_store})" if server.has_key else "none"


def _list(args: argparse.Namespace) -> int:
    registry = servers.load_registry()
    rows = [_server_json(server, registry) for server in registry.servers.values()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        uses = [*row["used_for"], *(["fallback"] if row["fallback"] else [])]
        print(
            printable(
                f"{row['name']:<12} {row['url']:<32} key: {row['key']:<14} "
                f"pairs: {', '.join(row['pairs']) or 'none'}; used for: {', '.join(uses) or '-'}"
            )
        )
    if not rows:
        print("no servers (see `bireader servers add`)")
    return 0


def _server_json(server: servers.Server, registry: servers.Registry) -> dict:
    return {
        "name": server.name,
        "url": server.url,
        "key": _key_status(server),
        "pairs": sorted(server.models),
        "used_for": sorted(pair for pair, name in registry.pairs.items() if name == server.name),
        "fallback": registry.fallback == server.name,
    }


def _remove(args: argparse.Namespace) -> int:
    server = servers.remove_server(args.name)
    print(f"removed {server.name} ({server.url})")
    return 0


def _use(args: argparse.Namespace) -> int:
    pair = _pair(args)
    if args.fallback or args.no_fallback:
        if pair is not None or args.local or args.fallback == args.no_fallback:
            raise ReaderError("--fallback NAME or --no-fallback, without --from/--to/--local")
        servers.use_server(None if args.no_fallback else _named(args), pair=None)
        print("fallback: " + (args.name if args.fallback else "none"))
        return 0
    if pair is None:
        raise ReaderError("give --from and --to (a pair), or --fallback")
    if args.local:
        if args.name:
            raise ReaderError("--local takes no server name")
        servers.use_server(None, pair=pair)
        print(f"{pair[0]} → {pair[1]}: local models")
        return 0
    servers.use_server(_named(args), pair=pair)
    print(f"{pair[0]} → {pair[1]}: server {args.name}")
    return 0


def _pair(args: argparse.Namespace) -> tuple[str, str] | None:
    if bool(args.from_code) != bool(args.to_code):
        raise ReaderError("give both --from and --to")
    return (args.from_code, args.to_code) if args.from_code else None


def _named(args: argparse.Namespace) -> str:
    if not args.name:
        raise ReaderError("name the server")
    return args.name
