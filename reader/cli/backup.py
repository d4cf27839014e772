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
    from reader.core.storage.backup import backup_to

    database = open_database()  # also brings an old schema up to date first
    database.close()
    written = backup_to(database.path, args.out)
    print(printable(str(written)), file=sys.stderr if is_stream(written) else sys.stdout)
    return 0


def _restore(args: argparse.Namespace) -> int:
    from reader.core import paths
    from reader.core.storage import open_database
    from reader.core.storage.backup import restore_from
    from reader.core.storage.db import known_revisions

    open_database().close()  # make sure the library exists, so the restore has a target
    kept = restore_from(args.backup, paths.database_path(), known_revisions())
    open_database().close()  # a backup from an older version is migrated now
    print(
        f"restored the library from {printable(str(args.backup))}; "
        f"the previous one is kept as {printable(str(kept))}"
    )
    return 0
