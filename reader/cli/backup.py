"""`bireader backup OUT` and `bireader restore IN`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.cli.output import printable


def register(subparsers: argparse._SubParsersAction) -> None:
    backup = subparsers.add_parser("backup", help="write a consistent copy of the library database")
    backup.add_argument(
        "out", type=Path, help="a file, a folder to put a dated copy in, or - for stdout"
    )
    backup.set_defaults(func=_backup)

    restore = subparsers.add_parser("restore", help="replace the library with a backup's content")
    restore.add_argument("backup", type=Path)
    restore.set_defaults(func=_restore)


def _backup(args: argparse.Namespace) -> int:
    from reader.core.files import is_stream
    from reader.core.storage import open_database
    from reader.core.storage.backup import backup_server_to, backup_to

    database = open_database()  # also brings an old schema up to date first
    try:
        if database.on_server:  # a team library: a logical export into the same kind of file
            written = backup_server_to(database, args.out)
        else:
            written = backup_to(database.path, args.out)
    finally:
        database.close()
    print(printable(str(written)), file=sys.stderr if is_stream(written) else sys.stdout)
    return 0


def _restore(args: argparse.Namespace) -> int:
    from reader.core import paths
    from reader.core.storage import open_database
    from reader.core.storage.backup import restore_from, restore_server_from
    from reader.core.storage.db import known_revisions

    database = open_database()  # make sure the library exists, so the restore has a target
    try:
        if database.on_server:
            kept = restore_server_from(args.backup, database, known_revisions())
        else:
            database.close()
            kept = restore_from(args.backup, paths.database_path(), known_revisions())
            open_database().close()  # a backup from an older version is migrated now
    finally:
        database.close()
    print(
        f"restored the library from {printable(str(args.backup))}; "
        f"the previous one is kept as {printable(str(kept))}"
    )
    return 0
