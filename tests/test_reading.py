"""Opening a document for reading (`reader.core.reading`): import or rebuild it, the target
and route, the cached translations, and what can be translated early."""

from __future__ import annotations

import pytest

from reader.core.reading import default_target, open_file, open_library_document
from tests.app_support import long_document
from tests.conftest import SAMPLE


class Context:
    """A `ReadingContext` as the CLI would build one: no Qt."""

    def __init__(self) -> None:
        from reader.core.storage import open_database
        from reader.core.translate.service import TranslationService

        self._database = open_database()
        self._service = TranslationService(self._database)

    def database(self):
        return self._database

    def service(self):
        return self._service


@pytest.fixture
def context():
    shared = Context()
    yield shared
    shared.database().close()


def test_open_file_prepares_document_route_and_cache(installed_vi_en, context) -> None:
    opened = open_file(context, SAMPLE, None, None, "en")
    assert opened.document.language == "vi" and opened.target_language == "en"
    assert opened.route is not None and opened.cached == {}
    again = open_library_document(context, opened.document_id, None, "en")
    assert again.document.content_hash == opened.document.content_hash
    assert again.target_language == "en"  # remembered in the library


def test_open_without_a_model_offers_the_catalogue_download(context) -> None:
    opened = open_file(context, SAMPLE, None, None, "en")
    assert opened.route is None
    assert opened.download is not None and opened.download.code == "translate-vi_en"


def test_default_target_never_equals_the_source() -> None:
    assert default_target("vi", "en") == "en"
    assert default_target("en", "en") == "vi"
    assert default_target("fr", "fr") == "en"


def test_open_file_says_early_what_to_translate_before_storing_the_document(
    installed_vi_en, context, tmp_path, monkeypatch
) -> None:
    from reader.core.documents import loader
    from reader.core.library import list_documents

    events: list = []
    segment = loader.split_sentences

    def segmenting(text, language):
        if not events or events[-1] != "segmenting":
            events.append("segmenting")
        return segment(text, language)

    monkeypatch.setattr(loader, "split_sentences", segmenting)

    def translatable(early) -> None:
        events.append(early)
        assert list_documents(context.database()) == []  # not stored yet

    path = long_document(tmp_path, 30)
    opened = open_file(
        context, path, None, None, "en", on_route=events.append, on_translatable=translatable
    )
    route, segmenting_step, early = events
    assert segmenting_step == "segmenting"  # the model can load while the text is segmented
    assert (route.from_code, route.to_code) == ("vi", "en") and route == opened.route
    assert early.document is opened.document and early.cached is opened.cached == {}
    assert early.priority[0] == 0  # a new document is read from the top
    assert [entry.id for entry in list_documents(context.database())] == [opened.document_id]


def test_an_early_start_begins_at_the_reading_position(installed_vi_en, context, tmp_path):
    from reader.core.library import mark_opened

    path = long_document(tmp_path, 30)
    first = open_file(context, path, None, None, "en")
    mark_opened(context.database(), first.document_id, reading_block=12)
    starts = []
    open_file(context, path, None, None, "en", on_translatable=starts.append)
    assert starts[0].priority[0] == 12


def test_nothing_is_started_early_without_a_model_or_with_everything_cached(
    context, tmp_path, installed_vi_en
) -> None:
    path = long_document(tmp_path, 3)
    calls: list = []
    opened = open_file(context, path, None, "fr", "en", calls.append, calls.append)
    assert opened.route is None and calls == []  # no vi→fr model
    opened = open_file(context, path, None, "en", "en")
    service = context.service()
    service.translate_sentences(opened.route, [s.text for _, s in opened.document.iter_sentences()])
    opened = open_file(context, path, None, "en", "en", on_translatable=calls.append)
    assert len(opened.cached) == opened.document.sentence_count and calls == []
