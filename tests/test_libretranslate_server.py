"""A real LibreTranslate 1.9.6 server on 127.0.0.1 (tests/support/libretranslate.py): our
translations through it equal the local engine's on the same package, and a reopen sends
nothing. Provisioning failing fails these tests, with the reason."""

from __future__ import annotations

import time

import pytest

from reader.core.documents import load_document
from reader.core.translate.packages import install_package_file
from reader.core.translate.remote import LibreTranslateClient, client_for, forget_clients
from reader.core.translate.servers import Server, add_server, use_server
from reader.core.translate.service import TranslationService
from tests.conftest import SAMPLE, SHARED
from tests.support.libretranslate import provision, running_server

# A first provisioning downloads LibreTranslate's stack (measured: 62 s with pip's cache, 289 s
# without); the fixture's setup counts towards the first test's timeout.
pytestmark = pytest.mark.timeout(1200)

COPY_PACKAGES = [
    SHARED / "models" / "translate-vi_en-copy.argosmodel",
    SHARED / "models" / "translate-en_vi-copy.argosmodel",
]


@pytest.fixture(scope="session")
def libretranslate(tmp_path_factory: pytest.TempPathFactory):
    started = time.monotonic()
    provisioned = provision()
    home = tmp_path_factory.mktemp("libretranslate")
    with running_server(provisioned.venv, home, COPY_PACKAGES) as server:
        print(
            f"\nLibreTranslate: provisioned in {provisioned.seconds:.0f} s, "
            f"ready after {time.monotonic() - started:.1f} s"
        )
        yield server


@pytest.fixture(autouse=True)
def fresh_clients():
    yield
    forget_clients()


def translate_all(service: TranslationService, document, route) -> dict:
    delivered = {}
    service.create_job(
        document,
        route,
        on_sentences=lambda batch: delivered.update(
            {(s.block_index, s.sentence_index): s.translation for s in batch}
        ),
    ).run()
    return delivered


def test_it_serves_both_copy_packages_offline(libretranslate):
    client = LibreTranslateClient(Server("lt", libretranslate.url))
    assert {"vi_en", "en_vi"} <= set(client.served_models())
    assert client.translate(["Xin chào thế giới."], "vi", "en") == ["Xin chào thế giới."]
    log = libretranslate.log.read_text("utf-8", "replace")
    assert "Downloading" not in log and "Updating" not in log


def test_translations_through_it_equal_the_local_engines(libretranslate, database, tmp_path):
    document = load_document(SAMPLE, language="vi")
    install_package_file(COPY_PACKAGES[0])
    service = TranslationService(database)
    local = translate_all(service, document, service.route("vi", "en"))

    client = LibreTranslateClient(Server("lt", libretranslate.url))
    add_server("lt", libretranslate.url, models=client.served_models())
    use_server("lt", pair=("vi", "en"))
    route = service.route("vi", "en")
    assert route.server is not None
    remote = translate_all(service, document, route)
    assert remote == local
    requests = client_for(route.server.server).stats.requests
    assert requests > 0

    reopened = TranslationService(database)
    assert translate_all(reopened, document, reopened.route("vi", "en")) == local
    assert client_for(route.server.server).stats.requests == requests  # 0 requests


def test_its_answers_come_back_in_order_for_many_sentences(libretranslate):
    sentences = [f"Câu số {i} trong văn bản." for i in range(40)]
    client = LibreTranslateClient(Server("lt", libretranslate.url))
    assert client.translate(sentences, "vi", "en") == sentences


def test_a_line_break_inside_a_sentence_translates_as_locally(libretranslate, database):
    from reader.core.translate.remote import RemotePair

    sentences = ["Chương I.\nCHẾ ĐỘ CHÍNH TRỊ", "Điều 1.\nNước Cộng hòa xã hội chủ nghĩa Việt Nam"]
    local = TranslationService(database).engine.translate(
        [install_package_file(COPY_PACKAGES[0])], sentences
    )
    client = LibreTranslateClient(Server("lt", libretranslate.url))
    server = Server("lt", libretranslate.url, client.served_models())
    assert RemotePair(server, "vi", "en").translate(sentences) == local
    assert "\n" not in "".join(local)


def test_api_keys_on_a_server_that_checks_them(tmp_path):
    from reader.core.translate.remote import ServerError
    from tests.support.libretranslate import add_api_key, key_checking

    venv = provision().venv
    home = tmp_path / "keyed"
    home.mkdir()
    with running_server(venv, home, COPY_PACKAGES, key_checking(home)) as server:
        add_api_key(venv, home, "right-key")
        right = LibreTranslateClient(Server("keyed", server.url), "right-key")
        assert right.translate(["Một câu."], "vi", "en") == ["Một câu."]
        wrong = LibreTranslateClient(Server("keyed", server.url), "wrong-key")
        with pytest.raises(ServerError, match="HTTP 403") as error:
            wrong.translate(["Một câu."], "vi", "en")
    assert "wrong-key" not in str(error.value)
