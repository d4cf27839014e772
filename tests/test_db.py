import os
import sqlite3
import stat
import time

import pytest

from reader.core import paths
from reader.core.storage import open_database


def test_database_is_created_in_wal_mode_with_user_only_permissions() -> None:
    database = open_database()
    database.close()
    path = paths.database_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert version >= "0001"


def test_reopening_keeps_the_schema_version() -> None:
    open_database().close()
    with sqlite3.connect(paths.database_path()) as connection:
        first = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    open_database().close()
    with sqlite3.connect(paths.database_path()) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == first


def test_failed_unit_of_work_is_rolled_back() -> None:
    from reader.core.storage.models import DocumentRow

    database = open_database()
    try:
        with database.session() as session:
            session.add(document_row("t"))
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with database.session() as session:
        assert session.query(DocumentRow).count() == 0


def document_row(title: str):
    from reader.core.storage.models import DocumentRow

    return DocumentRow(
        title=title, format="txt", language="vi", content_hash=title, reading_block=0, toc_json="[]"
    )


def add_document(database, title: str) -> None:
    with database.session() as session:
        session.add(document_row(title))


def test_reading_does_not_wait_for_a_writer_and_sees_a_consistent_snapshot() -> None:
    from sqlalchemy import func, select

    from reader.core.storage.models import DocumentRow

    database = open_database()
    add_document(database, "first")
    writer = sqlite3.connect(paths.database_path(), isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # another instance holds the write lock
    writer.execute(
        "INSERT INTO documents (title, format, language, content_hash, reading_block, toc_json,"
        " added_at, updated_at) VALUES ('second', 'txt', 'vi', 'second', 0, '[]', 0, 0)"
    )
    started = time.perf_counter()
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
        writer.execute("COMMIT")
        # Same snapshot until the unit of work ends.
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
    assert time.perf_counter() - started < 5.0  # not the 10 s busy timeout
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 2
    writer.close()
    database.close()


def test_reading_refuses_writes_and_leaves_writing_sessions_able_to_write() -> None:
    from sqlalchemy import func, select

    from reader.core.storage.models import DocumentRow

    database = open_database()
    with pytest.raises(RuntimeError, match="tried to write"), database.reading() as session:
        session.add(document_row("x"))
        session.flush()
    add_document(database, "after")  # the pooled connection is writable again
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
    database.close()


def test_opening_an_up_to_date_library_does_not_import_alembic() -> None:
    import subprocess
    import sys

    open_database().close()  # created and migrated (this process)
    script = (
        "import sys; from reader.core.storage import open_database; open_database().close(); "
        "print('alembic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_opening_an_up_to_date_library_does_not_wait_for_a_writer() -> None:
    open_database().close()  # created and migrated
    writer = sqlite3.connect(paths.database_path(), isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # another instance holds the write lock
    try:
        started = time.perf_counter()
        open_database().close()
        assert time.perf_counter() - started < 5.0  # not the 10 s busy timeout
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_library_that_cannot_be_created_is_one_line_not_a_traceback(
    bireader_home, monkeypatch
) -> None:
    from reader.core.errors import ReaderError
    from reader.core.storage import db

    def full_disk(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(db.sqlite3, "connect", full_disk)
    with pytest.raises(ReaderError, match=r"cannot be created .*free some space"):
        db.open_database()
    assert not list(bireader_home.glob("library.sqlite3*"))


# --- a team library on PostgreSQL ---------------------------------------------------------------


def test_the_library_is_the_local_file_unless_a_url_is_configured(bireader_home, monkeypatch):
    from reader.core.errors import ReaderError
    from reader.core.storage.db import DATABASE_URL_ENV, configured_url, set_preferred_url

    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert configured_url() is None
    set_preferred_url("postgresql://alice@db.example/team")
    assert configured_url().render_as_string() == "postgresql+psycopg://alice@db.example/team"
    assert "team" in (bireader_home / "database.ini").read_text()
    monkeypatch.setenv(DATABASE_URL_ENV, "sqlite:////tmp/other.sqlite3")
    assert configured_url().database == "/tmp/other.sqlite3"  # the environment wins
    with pytest.raises(ReaderError, match="never stored"):
        set_preferred_url("postgresql://alice:secret@db.example/team")
    assert "secret" not in (bireader_home / "database.ini").read_text()
    with pytest.raises(ReaderError, match="not a library address"):
        set_preferred_url("mysql://alice@db.example/team")


def test_a_server_that_cannot_be_reached_is_one_line_from_the_cli(bireader_home, monkeypatch):
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("BIREADER_DATABASE_URL", f"postgresql://nobody:pw@127.0.0.1:{port}/x")
    done = subprocess.run(
        [sys.executable, "-m", "reader", "library", "list"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "library server cannot be used" in done.stderr and "Traceback" not in done.stderr
    assert "pw" not in done.stderr.replace("~/.pgpass", "")  # never the password
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_server_reading_refuses_writes_and_keeps_one_snapshot(postgres_url) -> None:
    from sqlalchemy import func, select

    from reader.core.storage.db import library_url
    from reader.core.storage.models import DocumentRow

    database = open_database(library_url(postgres_url))
    other = open_database(library_url(postgres_url))
    try:
        with pytest.raises(RuntimeError, match="tried to write"), database.reading() as session:
            session.add(document_row("x"))
            session.flush()
        add_document(database, "first")  # the pooled connection is writable again
        with database.reading() as session:
            assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
            add_document(other, "second")  # another client commits meanwhile
            assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
        with database.reading() as session:
            assert session.scalar(select(func.count()).select_from(DocumentRow)) == 2
    finally:
        database.close()
        other.close()


def test_clients_importing_the_same_document_at_once_store_it_once(postgres_url, sample_copy):
    """What SQLite's single writer gave for free, a server's per-document lock gives."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from reader.core.library import add_document as import_file
    from reader.core.library import list_documents
    from reader.core.storage.db import library_url

    url = library_url(postgres_url)
    libraries = [open_database(url) for _ in range(4)]
    together = Barrier(len(libraries))

    def client(library) -> str:
        together.wait()
        return import_file(library, sample_copy).status

    try:
        with ThreadPoolExecutor(len(libraries)) as pool:
            statuses = sorted(pool.map(client, libraries))
        assert statuses == ["added", "unchanged", "unchanged", "unchanged"]
        assert len(list_documents(libraries[0])) == 1
    finally:
        for library in libraries:
            library.close()


def test_serialised_units_of_work_wait_for_each_other_on_a_server(postgres_url) -> None:
    import threading

    from reader.core.storage.db import library_url, serialise

    database = open_database(library_url(postgres_url))
    order: list[str] = []
    holding = threading.Event()

    def second() -> None:
        holding.wait()
        with database.session() as session:
            serialise(session, "text abc")
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    with database.session() as session:
        serialise(session, "text abc", "file x")
        holding.set()
        time.sleep(0.5)  # the other unit is waiting meanwhile
        order.append("first")
    thread.join()
    database.close()
    assert order == ["first", "second"]


@pytest.fixture
def carol(postgres_server):
    """A role whose logins through 127.0.0.1 need its password, and a database it owns."""
    name = f"carol_{os.getpid()}_{time.monotonic_ns()}"
    postgres_server.execute(
        f"CREATE ROLE {name} LOGIN PASSWORD 'mật-khẩu'", f"CREATE DATABASE {name} OWNER {name}"
    )
    return postgres_server.tcp_url(name, name)


def test_a_password_comes_from_pgpass_or_the_keyring_never_the_settings(
    carol, tmp_path, monkeypatch
):
    import keyring
    from keyring.backend import KeyringBackend

    from reader.core.storage.db import (
        KEYRING_SERVICE,
        UnreachableServerError,
        keyring_account,
        library_url,
    )

    url = library_url(carol)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(UnreachableServerError, match=r"no password supplied|authentication failed"):
        open_database(url)

    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{url.port}:{url.database}:{url.username}:mật-khẩu\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    open_database(url).close()

    class Memory(KeyringBackend):
        priority = 1
        secrets: dict = {}  # noqa: RUF012 (one per test, set below)

        def get_password(self, service, username):
            return self.secrets.get((service, username))

        def set_password(self, service, username, password):
            self.secrets[(service, username)] = password

        def delete_password(self, service, username):
            self.secrets.pop((service, username), None)

    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_account(url), "mật-khẩu")
        open_database(url).close()
    finally:
        keyring.set_keyring(previous)
