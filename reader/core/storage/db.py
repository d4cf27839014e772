"""The database: engine with SQLite pragmas (WAL, foreign keys, busy timeout), a session per
unit of work, and Alembic migrations applied on open."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from reader.core import paths
from reader.core.errors import ReaderError
from reader.core.storage.backup import backup_before_migration

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration's revision; a test checks it against Alembic's head.
SCHEMA_HEAD = "0006"
BUSY_TIMEOUT_MS = 10_000


class Database:
    def __init__(self, path: Path):
        self.path = path
        self.engine = _create_engine(path)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(read_only=True), expire_on_commit=False
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with busy_as_library_in_use(self.path), self._sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A unit of work that only reads: one consistent snapshot, without the write lock, so
        it neither waits for a writer (a translation job storing batches, another instance) nor
        holds one up. A write that reaches the database raises; objects added and never
        flushed are simply dropped at the end."""
        with busy_as_library_in_use(self.path), self._readers() as session:
            try:
                yield session
            except OperationalError as error:
                if "readonly" in str(error.orig):  # query_only: a bug here, not a bad file
                    raise RuntimeError("a reading unit of work tried to write") from error
                raise
            # Closing (no commit, no rollback) ends the transaction and keeps what was loaded.

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path | None = None) -> Database:
    """Open (creating if needed) the library database and bring its schema up to date."""
    path = path or paths.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    os.chmod(path, 0o600)  # the data directory is user-only too, which covers the -wal file
    database = Database(path)
    upgrade_schema(database)
    return database


class LibraryInUseError(ReaderError):
    def __init__(self, path: Path):
        super().__init__(
            f"{path}: the library is in use by another program that has kept it locked for "
            f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again"
        )


@contextmanager
def busy_as_library_in_use(path: Path) -> Iterator[None]:
    """SQLite gave up waiting for another process's write: say so, without a traceback."""
    try:
        yield
    except OperationalError as error:
        if "database is locked" in str(error.orig) or "database is busy" in str(error.orig):
            raise LibraryInUseError(path) from error
        if _is_about_the_file(error):
            raise UnusableLibraryError(path, error) from error
        raise
    except DatabaseError as error:
        if _is_about_the_file(error):
            raise UnusableLibraryError(path, error) from error
        raise


# What SQLite says when the file itself is the problem, as opposed to a bug in a query.
_FILE_PROBLEMS = (
    "file is not a database",
    "database disk image is malformed",
    "attempt to write a readonly database",
    "disk i/o error",
    "database or disk is full",
    "unable to open database file",
)


def _is_about_the_file(error: DatabaseError) -> bool:
    message = str(error.orig).lower()
    return any(problem in message for problem in _FILE_PROBLEMS)


class UnusableLibraryError(ReaderError):
    def __init__(self, path: Path, error: DatabaseError):
        super().__init__(
            f"{path}: the library database cannot be used ({error.orig}); "
            "restore a backup with `bireader restore FILE`"
        )


class SchemaTooNewError(ReaderError):
    def __init__(self, path: Path, revision: str, head: str):
        super().__init__(
            f"{path}: the library was written by a newer version of Bilingual Reader "
            f"(schema {revision}; this version knows up to {head}). Update the app; "
            "the library was left untouched."
        )


def _stored_revision(database: Database) -> str | None:
    """The schema revision Alembic recorded in the database; None for a new database. Read
    in a plain snapshot (see Database.reading), so a launch does not wait for a writer."""
    with database.reading() as session:
        table = session.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
        ).first()
        if table is None:
            return None
        return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> set[str]:
    """Every schema revision this version of the app can read (and migrate from)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


def upgrade_schema(database: Database) -> None:
    """Bring the schema to the newest revision, keeping a backup copy of a database that
    already holds data before any migration touches it."""
    current = _stored_revision(database)
    if current == SCHEMA_HEAD:
        return  # the usual case, decided without importing Alembic (~0.2 s at launch)
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    if current is not None:
        if current not in {revision.revision for revision in script.walk_revisions()}:
            raise SchemaTooNewError(database.path, current, head)
        backup_before_migration(database.path, current)
    # Another instance may be migrating at the same time: the write lock taken by BEGIN IMMEDIATE
    # serialises them, and Alembic reads the revision again inside the transaction.
    with busy_as_library_in_use(database.path), database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _create_engine(path: Path) -> Engine:
    # URL.create, not an f-string: a "?" or "#" in the path must not be read as URL syntax.
    url = URL.create("sqlite", database=str(path))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # IMMEDIATE takes the write lock at the start. A deferred transaction that reads, then
        # writes after another process committed, fails at once with "database is locked"
        # (its snapshot is stale, so SQLite cannot wait); this one waits up to the busy timeout.
        # In WAL mode readers are never blocked by it, and units of work are short.
        # A reading unit of work (Database.reading) takes a plain snapshot instead, and its
        # connection refuses writes until a writing one takes the connection back.
        read_only = bool(connection.get_execution_options().get("read_only"))
        connection.exec_driver_sql(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
