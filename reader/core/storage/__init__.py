"""SQLite storage through SQLAlchemy: one database file under the data directory."""

from reader.core.storage.db import Database, open_database

__all__ = ["Database", "open_database"]
