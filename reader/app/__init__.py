"""The desktop window (PySide6): a thin layer that presents documents and dispatches to
`reader.core`. Everything slow (parsing, database, machine translation, downloads) runs in a
QThreadPool; widgets are only touched from the GUI thread."""
