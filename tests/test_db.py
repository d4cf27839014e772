import sqlite3
import stat

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
            session.add(
                DocumentRow(
                    title="t",
                    format="txt",
                    language="vi",
                    content_hash="h",
                    reading_block=0,
                    toc_json="[]",
                )
            )
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with database.session() as session:
        assert session.query(DocumentRow).count() == 0
