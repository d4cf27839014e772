"""Annotations: anchoring (W3C-style selectors and re-anchoring), the service the CLI and window
share, full-text search, and exchange formats (W3C JSON-LD, Markdown, Anki CSV).

Import the submodules directly: `reader.core.library` imports `reader.core.notes.reanchor`, so this
package must not import the library at import time."""
