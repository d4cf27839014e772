"""The LibreTranslate client and server routes, against a loopback test double of the network
(faults) — the real server's success path is tests/test_libretranslate_server.py."""

from __future__ import annotations

import socket

import pytest

from reader.core.documents import load_document
from reader.core.translate import cache
from reader.core.translate.remote import (
    IN_FLIGHT,
    MAX_RETRIES,
    LibreTranslateClient,
    ServerError,
    forget_clients,
)
from reader.core.translate.servers import Server, add_server, use_server
from reader.core.translate.service import TranslationService
from tests.fake_translation_server import Reply, fake_server

SENTENCES = ["Một câu.", "Hai câu.", "Ba câu."]


@pytest.fixture(autouse=True)
def fresh_clients():
    yield
    forget_clients()


def client(url: str, **kwargs) -> tuple[LibreTranslateClient, list[float]]:
    waits: list[float] = []
    made = LibreTranslateClient(Server("office", url), "secret-key", sleep=waits.append, **kwargs)
    return made, waits


def test_a_batch_goes_as_one_request_with_the_key():
    with fake_server() as server:
        made, _ = client(server.url)
        assert made.translate(SENTENCES, "vi", "en") == [f"EN: {s}" for s in SENTENCES]
        [body] = server.behaviour.requests
    assert body == {
        "q": SENTENCES,
        "source": "vi",
        "target": "en",
        "format": "text",
        "api_key": "secret-key",
    }


def test_rate_limit_waits_as_told_then_succeeds():
    replies = [Reply(429, b"{}", {"Retry-After": "2"}), Reply(503, b"{}"), Reply()]
    with fake_server(lambda b: b.replies.extend(replies)) as server:
        made, waits = client(server.url)
        assert made.translate(SENTENCES, "vi", "en")[0] == "EN: Một câu."
    assert waits[0] == 2.0  # Retry-After
    assert waits[1] > 0  # exponential back-off without one
    assert made.stats.retries == 2


def test_rate_limit_gives_up_after_bounded_retries():
    replies = [Reply(429, b"{}", {"Retry-After": "1000"})] * (MAX_RETRIES + 1)
    with fake_server(lambda b: b.replies.extend(replies)) as server:
        made, waits = client(server.url)
        with pytest.raises(ServerError, match="rate-limited") as error:
            made.translate(SENTENCES, "vi", "en")
        assert len(server.behaviour.requests) == MAX_RETRIES + 1
    assert max(waits) <= 30  # a huge Retry-After is capped
    assert "office" in str(error.value) and server.url in str(error.value)


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (Reply(403, b'{"error": "Invalid API key"}'), "API key"),
        (Reply(500, b'{"error": "boom\\nsecond line"}'), r"HTTP 500 \(boom second line\)"),
        (Reply(200, b'{"translatedText": ["EN: one"'), "not valid JSON"),
        (Reply(200, b"<html>proxy error</html>"), "not valid JSON"),
        (Reply(200, b'{"translatedText": "one string"}'), "no list of translations"),
        (Reply(200, b'{"translatedText": ["only", "two"]}'), "2 translations for 3 sentences"),
        (Reply(200, b'{"translatedText": [1, 2, 3]}'), "no list of translations"),
    ],
)
def test_faults_are_one_line_naming_the_server(reply: Reply, problem: str):
    with fake_server(lambda b: b.replies.append(reply)) as server:
        made, _ = client(server.url)
        with pytest.raises(ServerError, match=problem) as error:
            made.translate(SENTENCES, "vi", "en")
    message = str(error.value)
    assert message.startswith(f"server office ({server.url}): ")
    assert "\n" not in message and "secret-key" not in message


def test_a_silent_server_times_out():
    with fake_server(lambda b: b.replies.append(Reply(delay=10))) as server:
        made, _ = client(server.url, timeout=0.5)
        with pytest.raises(ServerError, match="timeout"):
            made.translate(SENTENCES, "vi", "en")


def test_a_server_that_is_down():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    made, _ = client(url)
    with pytest.raises(ServerError, match="cannot reach it"):
        made.translate(SENTENCES, "vi", "en")


def test_served_models_name_every_pair():
    with fake_server() as server:
        made, _ = client(server.url)
        models = made.served_models()
    assert set(models) == {"vi_en", "en_vi"}
    assert models["vi_en"] != models["en_vi"]


# --- routes and jobs through a server -----------------------------------------------------------


def document_of(tmp_path, paragraphs: int):
    path = tmp_path / "doc.txt"
    text = "\n\n".join(f"Đoạn {i} có một câu. Và câu thứ hai {i}." for i in range(paragraphs))
    path.write_text(text, "utf-8")
    return load_document(path, language="vi")


def register(url: str) -> None:
    with fake_server() as server:  # the models the real add would have learned
        models = LibreTranslateClient(Server("office", server.url)).served_models()
    add_server("office", url, models=models)


def run_job(service, document, route):
    delivered = {}
    job = service.create_job(
        document,
        route,
        on_sentences=lambda batch: delivered.update(
            {(s.block_index, s.sentence_index): s for s in batch}
        ),
    )
    return job, job.run(), delivered


def test_a_server_chosen_for_the_pair_translates_and_a_reopen_sends_nothing(database, tmp_path):
    document = document_of(tmp_path, 40)
    with fake_server(lambda b: b.replies.extend([Reply(delay=0.2)] * 6)) as server:
        register(server.url)
        use_server("office", pair=("vi", "en"))
        service = TranslationService(database)
        route = service.route("vi", "en")
        assert route.server is not None and route.models == ()
        _, stats, delivered = run_job(service, document, route)
        assert stats.translated == document.sentence_count == len(delivered)
        assert all(s.translation == f"EN: {s.source}" for s in delivered.values())
        requests = len(server.behaviour.requests)
        assert 1 < server.behaviour.most_in_flight <= IN_FLIGHT  # several at once, bounded

        _, again, _ = run_job(TranslationService(database), document, service.route("vi", "en"))
        assert again.cached == document.sentence_count
        assert len(server.behaviour.requests) == requests  # the reopen: 0 requests
        assert server.behaviour.languages_requests == 0


def test_a_fault_mid_job_keeps_the_finished_batches_and_stores_nothing_partial(database, tmp_path):
    document = document_of(tmp_path, 60)
    bad = Reply(200, b'{"translatedText": ["too few"]}', delay=0.3)  # after the good one
    with fake_server(lambda b: b.replies.extend([Reply(), bad, bad, bad])) as server:
        register(server.url)
        use_server("office", pair=("vi", "en"))
        service = TranslationService(database)
        route = service.route("vi", "en")
        delivered = {}
        job = service.create_job(
            document,
            route,
            on_sentences=lambda b: delivered.update(
                {(s.block_index, s.sentence_index): s for s in b}
            ),
        )
        with pytest.raises(ServerError, match="1 translations for"):
            job.run()
    with database.reading() as session:
        stored = cache.lookup(
            session, route.key, "beam=4", cache.sentence_hashes(document).values()
        )
    assert stored  # the first batch is kept...
    assert all(
        text == f"EN: {delivered_text}"
        for delivered_text, text in [
            (s.source, stored[cache.source_hash(s.source)]) for s in delivered.values()
        ]
    )
    assert len(stored) < document.sentence_count  # ...and nothing of the bad answers


def test_the_fallback_serves_only_pairs_without_a_local_model(database, installed_vi_en):
    with fake_server() as server:
        register(server.url)
        use_server("office", pair=None)  # the fallback
        service = TranslationService(database)
        assert service.route("vi", "en").server is None  # the local model wins
        assert service.route("en", "vi").server is not None  # nothing local: the server
        assert service.route("vi", "fr") is None  # the server does not serve it


def test_the_prioritised_block_goes_first_and_a_cancel_stops_sending(database, tmp_path):
    document = document_of(tmp_path, 60)
    last = document.blocks[-1]
    with fake_server(lambda b: b.replies.extend([Reply(delay=0.1)] * 200)) as server:
        register(server.url)
        use_server("office", pair=("vi", "en"))
        service = TranslationService(database)
        job = service.create_job(
            document, service.route("vi", "en"), on_sentences=lambda _batch: job.cancel()
        )
        job.prioritise([last.index])
        stats = job.run()
        sent = [request["q"] for request in server.behaviour.requests]
    assert stats.cancelled and len(sent) <= IN_FLIGHT  # the first ones in flight, then nothing
    assert any(last.sentences[0].text in batch for batch in sent)  # the last block among them


def test_the_key_is_never_logged(caplog):
    caplog.set_level("DEBUG")
    with fake_server(lambda b: b.replies.append(Reply(403, b"{}"))) as server:
        made, _ = client(server.url)
        with pytest.raises(ServerError):
            made.translate(SENTENCES, "vi", "en")
    assert caplog.records and "secret-key" not in caplog.text
