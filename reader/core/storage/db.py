"""The database: the library is a SQLite file by default (WAL, foreign keys, busy timeout) or, for
a team, a PostgreSQL database named by `BIREADER_DATABASE_URL` or the preference (`database.ini`);
a session per unit of work, and Alembic migrations applied on open, on either."""

from __future__ import annotations

import configparser
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DatabaseError, InternalError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from reader.core import paths
from reader.core.errors import ReaderError, os_problem, warn
from reader.core.files import remove_stale_partials, writing
from reader.core.storage.backup import backup_before_migration

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration's revision; a test checks it against Alembic's head.
SCHEMA_HEAD = "0010"  # the last migration's revision
BUSY_TIMEOUT_MS = 10_000
DATABASE_URL_ENV = "BIREADER_DATABASE_URL"
# Any fixed number: the key of the advisory lock that serialises migrations on a server.
_MIGRATION_LOCK = 0x6269_7265


class Database:
    def __init__(self, location: Path | URL):
        if isinstance(location, Path):
            # URL.create, not an f-string: a "?" or "#" in the path must not be read as URL syntax.
            location = URL.create("sqlite", database=str(location))
        self.url = location
        # The library file; None for a server, which has no file to back up, lock or chmod.
        self.path = Path(location.database) if location.get_backend_name() == "sqlite" else None
        self.engine = _create_engine(location)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(read_only=True), expire_on_commit=False
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with busy_as_library_in_use(self.location), self._sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A unit of work that only reads: one consistent snapshot, without the write lock, so
        it neither waits for a writer (a translation job storing batches, another instance) nor
        holds one up. A write that reaches the database raises; objects added and never
        flushed are simply dropped at the end."""
        with busy_as_library_in_use(self.location), self._readers() as session:
            try:
                yield session
            except OperationalError as error:
                # query_only refused a write: a bug here, unless the file itself is read-only.
                if "readonly" in str(error.orig) and os.access(self.path, os.W_OK):
                    raise RuntimeError("a reading unit of work tried to write") from error
                raise
            except InternalError as error:  # PostgreSQL: "cannot execute ... read-only"
                if getattr(error.orig, "sqlstate", None) == _READ_ONLY_TRANSACTION:
                    raise RuntimeError("a reading unit of work tried to write") from error
                raise
            # Closing (no commit, no rollback) ends the transaction and keeps what was loaded.

    @property
    def on_server(self) -> bool:
        return self.path is None

    @property
    def location(self) -> str:
        """What messages name: the file, or the server's URL without its password."""
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


def serialise(session: Session, *keys: str) -> None:
    """Make concurrent units of work about the same things (a document's text, a file) wait
    for each other until one commits, as SQLite's single writer (BEGIN IMMEDIATE) makes every
    unit of work do. On PostgreSQL: a transaction-level advisory lock per key, taken in one
    order so that two units never deadlock; nothing on SQLite."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
        )


def upsert(session: Session, entity):
    """An INSERT that can say ON CONFLICT DO UPDATE, for the session's engine (SQLite and
    PostgreSQL spell it alike, but SQLAlchemy builds it per dialect)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(entity)


def configured_url() -> URL | None:
    """The team library chosen by `BIREADER_DATABASE_URL` or, failing that, the preference
    (`database.ini` in the data folder, see `set_preferred_url`); None for the local SQLite file.
    Passwords belong in ~/.pgpass (read by libpq), never in the preferences file."""
    value = os.environ.get(DATABASE_URL_ENV) or preferred_url()
    return library_url(value) if value else None


def _preferences_file() -> Path:
    return paths.data_dir() / "database.ini"


def preferred_url() -> str | None:
    """The library the preferences name (`database.ini`), whatever the environment says."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(_preferences_file(), encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as error:
        raise ReaderError(f"{_preferences_file()}: not a preferences file ({error})") from error
    return parser.get("database", "url", fallback="").strip() or None


def set_preferred_url(value: str | None) -> None:
    """Remember the library to open (None: the local file). The window's preferences call it."""
    if value and (url := library_url(value)).password:
        raise ReaderError(
            f"{url.render_as_string(hide_password=True)}: a password is never stored in the "
            "preferences; put it in ~/.pgpass"
        )
    parser = configparser.ConfigParser(interpolation=None)
    parser["database"] = {"url": value or ""}
    with writing(_preferences_file()) as partial, partial.open("w", encoding="utf-8") as file:
        parser.write(file)


def _make_url(value: str) -> URL | None:
    try:
        return make_url(value)
    except ArgumentError:
        return None


def library_url(value: str) -> URL:
    """A library's URL from what the user wrote: `postgresql://…` (psycopg 3 is the driver the
    app ships), `sqlite:///FILE`, or a plain file path."""
    url = _make_url(value)
    if url is None or "://" not in value:
        return URL.create("sqlite", database=str(Path(value).expanduser().resolve()))
    if url.get_backend_name() == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite" and url.database:
        return url
    raise ReaderError(
        f"{url.render_as_string(hide_password=True)}: not a library address "
        "(postgresql://USER@HOST/DATABASE or a SQLite file)"
    )


def open_database(location: Path | URL | None = None) -> Database:
    """Open (creating if needed) the library database and bring its schema up to date."""
    location = location or configured_url() or paths.database_path()
    if isinstance(location, URL) and location.get_backend_name() != "sqlite":
        return _open_server_database(location)
    path = Path(location.database) if isinstance(location, URL) else location
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _set_aside_if_empty(path)
        if not path.exists():
            _create_library_file(path)
        os.chmod(path, 0o600)  # the data directory is user-only too, which covers the -wal file
    except OSError as error:  # another user's file, a read-only disk...
        raise ReaderError(f"{path}: the library cannot be opened ({os_problem(error)})") from error
    except sqlite3.Error as error:  # creating it: a full disk...
        advice = _advice_for(str(error)) or "check the disk and its folder"
        raise ReaderError(f"{path}: the library cannot be created ({error}); {advice}") from error
    remove_stale_partials(path.parent)  # what a killed backup or restore left there
    database = Database(path)
    upgrade_schema(database)
    return database


def _open_server_database(url: URL) -> Database:
    database = Database(url)
    try:
        upgrade_schema(database)
    except BaseException:
        database.close()
        raise
    return database


def _set_aside_if_empty(path: Path) -> None:
    """A library file of 0 bytes is not a new library (those are created whole, see
    `_create_library_file`) but one that lost its content: a full disk, a bad copy, a sync
    tool. It is moved aside with its -wal (which may still hold the data), never silently
    started afresh over."""
    try:
        if path.stat().st_size != 0:
            return
    except FileNotFoundError:
        return
    aside = path.with_name(f"{path.name}.empty-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return  # another instance moved it first
    for sidecar in ("-wal", "-shm"):
        with suppress(FileNotFoundError):
            os.rename(f"{path}{sidecar}", f"{aside}{sidecar}")
    warn(
        path,
        f"was empty (0 bytes): moved aside as {aside.name}, and a new library was started; "
        "`bireader restore FILE` brings back a backup",
    )


def _create_library_file(path: Path) -> None:
    """A new library file, created whole: set up under a temporary name (WAL mode writes its
    first page), then linked into place, so no instance ever sees it empty. Another instance
    creating it at the same moment keeps its own."""
    partial = path.with_name(f"{path.name}.new-{os.getpid()}-{threading.get_ident()}")
    partial.touch(mode=0o600)
    try:
        connection = sqlite3.connect(partial)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()
        try:
            os.link(partial, path)  # never replaces an existing file
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


class LibraryInUseError(ReaderError):
    def __init__(self, path: Path | str):
        super().__init__(
            f"{path}: the library is in use by another program that has kept it locked for "
            f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again"
        )


@contextmanager
def busy_as_library_in_use(path: Path | str) -> Iterator[None]:
    """SQLite (or the server) gave up waiting for another process's write, or cannot be used:
    say so, without a traceback."""
    try:
        yield
    except OperationalError as error:
        if "database is locked" in str(error.orig) or "database is busy" in str(error.orig):
            raise LibraryInUseError(path) from error
        if getattr(error.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise LibraryInUseError(path) from error
        if _is_unreachable_server(error):
            raise UnreachableServerError(path, error) from error
        if _is_about_the_file(error):
            raise UnusableLibraryError(path, error) from error
        raise
    except DatabaseError as error:
        if getattr(error.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
            raise NotAllowedError(path, error) from error
        if _is_about_the_file(error):
            raise UnusableLibraryError(path, error) from error
        raise


# What SQLite says when the file itself is the problem, as opposed to a bug in a query, and
# what the user can do about it: only a damaged file needs its backup.
_RESTORE = "restore a backup with `bireader restore FILE`"
_FILE_PROBLEMS = {
    "file is not a database": _RESTORE,
    "database disk image is malformed": _RESTORE,
    "disk i/o error": "check the disk, or " + _RESTORE,
    "attempt to write a readonly database": "the library or its folder is read-only: make them "
    "writable, or set BIREADER_HOME to a writable folder",
    "database or disk is full": "the disk is full: free some space and try again",
    "unable to open database file": "check that its folder exists and is writable",
}


# PostgreSQL's SQLSTATEs for a lock not had within lock_timeout, a write in a read-only
# transaction, and what the role may not do (a grant missing, a row-level security policy).
_LOCK_NOT_AVAILABLE = "55P03"
_READ_ONLY_TRANSACTION = "25006"
_INSUFFICIENT_PRIVILEGE = "42501"


def _is_unreachable_server(error: OperationalError) -> bool:
    """psycopg could not connect at all (no SQLSTATE): server down, bad host, refused login."""
    return not isinstance(error.orig, sqlite3.Error) and not getattr(error.orig, "sqlstate", None)


class UnreachableServerError(ReaderError):
    def __init__(self, location: Path | str, error: OperationalError):
        reason = " ".join(str(error.orig).split()) or type(error.orig).__name__
        super().__init__(
            f"{location}: the library server cannot be used ({reason}); check the address in "
            f"{DATABASE_URL_ENV} or the preferences, and ~/.pgpass for the password"
        )


class NotAllowedError(ReaderError):
    """The server refused this role: nothing was changed."""

    def __init__(self, location: Path | str, error: DatabaseError):
        reason = str(error.orig).splitlines()[0]
        super().__init__(
            f"{location}: the library server does not allow it ({reason}); nothing was changed"
        )


def _is_about_the_file(error: DatabaseError) -> bool:
    return _advice(error) is not None


def _advice(error: DatabaseError) -> str | None:
    return _advice_for(str(error.orig))


def _advice_for(message: str) -> str | None:
    message = message.lower()
    return next((advice for problem, advice in _FILE_PROBLEMS.items() if problem in message), None)


class UnusableLibraryError(ReaderError):
    def __init__(self, path: Path | str, error: DatabaseError):
        super().__init__(
            f"{path}: the library database cannot be used ({error.orig}); {_advice(error)}"
        )


class SchemaTooNewError(ReaderError):
    def __init__(self, path: Path | str, revision: str, head: str):
        super().__init__(
            f"{path}: the library was written by a newer version of Bilingual Reader "
            f"(schema {revision}; this version knows up to {head}). Update the app; "
            "the library was left untouched."
        )


def _stored_revision(database: Database) -> str | None:
    """The schema revision Alembic recorded in the database; None for a new database. Read
    in a plain snapshot (see Database.reading), so a launch does not wait for a writer."""
    with database.reading() as session:
        if not inspect(session.connection()).has_table("alembic_version"):
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
            raise SchemaTooNewError(database.location, current, head)
        if not database.on_server:  # a server is backed up by its administrator (pg_dump)
            backup_before_migration(database.path, current)
    # Another instance may be migrating at the same time: the write lock taken by BEGIN IMMEDIATE
    # (an advisory lock on a server) serialises them, and Alembic reads the revision again
    # inside the transaction.
    with busy_as_library_in_use(database.location), database.engine.begin() as connection:
        if database.on_server:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def create_schema_at(location: Path | URL, revision: str) -> None:
    """A new, empty database at `location` with the schema the migrations give at `revision`
    (what a backup of that revision is compared with)."""
    from alembic import command

    database = Database(location)
    try:
        with database.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        database.close()


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "postgresql":
        return _create_server_engine(url)
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


def _create_server_engine(url: URL) -> Engine:
    """PostgreSQL: each writing unit of work is a READ COMMITTED transaction (row locks, not one
    lock for the whole library, serialise what must be: see `reader.core.notes.search.sync_index`
    and the migrations' advisory lock), waiting at most the busy timeout for a row another
    client holds. Times are UTC, as the SQLite library stores them."""
    engine = create_engine(
        url,
        pool_pre_ping=True,  # a server restarted overnight: reconnect instead of failing once
        connect_args={
            "connect_timeout": BUSY_TIMEOUT_MS // 1000,
            "application_name": "bireader",
            "options": f"-c timezone=UTC -c lock_timeout={BUSY_TIMEOUT_MS}",
        },
    )

    @event.listens_for(engine, "do_connect")
    def _password(_dialect, _record, _args, parameters) -> None:
        # Not in the URL: the keyring's, if it has one; else libpq reads ~/.pgpass itself.
        if "password" not in parameters and (password := keyring_password(url)):
            parameters["password"] = password

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # A reading unit of work: one snapshot for all its queries, and writes refused, as
        # PRAGMA query_only does on SQLite. The first statement of the transaction must say so.
        if connection.get_execution_options().get("read_only"):
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    return engine


KEYRING_SERVICE = "bilingual-reader-library"


def keyring_account(url: URL) -> str:
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def keyring_password(url: URL) -> str | None:
    """The password the platform keyring keeps for this role on this server's database
    (service `bilingual-reader-library`, account `ROLE@HOST:PORT/DATABASE`), if it has one."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # the keyring is optional: ~/.pgpass serves as well
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_account(url))
    except (KeyringError, RuntimeError):  # no usable backend on this machine
        return None
