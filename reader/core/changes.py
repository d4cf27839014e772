"""What a write changed, so that each view refreshes only what it shows (as Anki's `OpChanges`).

Core writes return a `Changes` (alone or beside their result); the window's operation runner
broadcasts it and every panel decides from it whether it needs to refresh. Import-free on purpose:
every layer may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Changes:
    """Ids of the rows a write touched; `library` means the list of documents changed."""

    documents: frozenset[int] = field(default_factory=frozenset)
    annotations: frozenset[int] = field(default_factory=frozenset)
    translations: frozenset[int] = field(default_factory=frozenset)  # document ids
    bookmarks: frozenset[int] = field(default_factory=frozenset)  # document ids
    glossary: bool = False
    vocabulary: bool = False
    library: bool = False
    models: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            documents=self.documents | other.documents,
            annotations=self.annotations | other.annotations,
            translations=self.translations | other.translations,
            bookmarks=self.bookmarks | other.bookmarks,
            glossary=self.glossary or other.glossary,
            vocabulary=self.vocabulary or other.vocabulary,
            library=self.library or other.library,
            models=self.models or other.models,
        )

    def __bool__(self) -> bool:
        return any(
            (
                self.documents,
                self.annotations,
                self.translations,
                self.bookmarks,
                self.glossary,
                self.vocabulary,
                self.library,
                self.models,
            )
        )

    def touches_document(self, document_id: int) -> bool:
        """Whether a view showing this document has anything to refresh."""
        return document_id in (self.documents | self.translations | self.bookmarks) or bool(
            self.annotations
        )


NO_CHANGES = Changes()
