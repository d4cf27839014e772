"""The sample translated through a real LibreTranslate server vs the local engine (a script).

Both run the same copy package (`../shared/models/translate-vi_en-copy.argosmodel`) on the CPU of
this machine: the local engine in process, LibreTranslate 1.9.6 on 127.0.0.1 (provisioned as the
tests do, tests/support/libretranslate.py). Each side: a fresh library, a whole TranslationJob on
the sample, its model loaded before the clock starts; the best of ROUNDS. Then the document is
reopened with a new service and the requests it sends are counted. Run from the repo root:
    .venv/bin/python bench/libretranslate_vs_local.py [DOCUMENT]   (default: the sample)
The last line is `local_s=<a> server_s=<b> ratio=<b/a> reopen_requests=<n> identical=<k>/<n>`
(sentences whose two translations are identical: batching can flip a near-tie in a long one).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared"
PACKAGES = [
    SHARED / "models" / "translate-vi_en-copy.argosmodel",
    SHARED / "models" / "translate-en_vi-copy.argosmodel",
]
SAMPLE = REPO / "resources" / "samples" / "bvctnb-2023.vi.txt"
ROUNDS = 3


def fresh_home() -> None:
    os.environ["BIREADER_HOME"] = tempfile.mkdtemp(prefix="bireader-bench-")


def translate_once(document, *, server_url: str | None) -> tuple[float, dict, object]:
    """One cold run in a fresh library; (seconds, translations, route)."""
    from reader.core.storage import open_database
    from reader.core.translate.packages import install_package_file
    from reader.core.translate.remote import LibreTranslateClient, client_for, forget_clients
    from reader.core.translate.servers import Server, add_server, use_server
    from reader.core.translate.service import TranslationService

    fresh_home()
    forget_clients()
    install_package_file(PACKAGES[0])
    if server_url:
        models = LibreTranslateClient(Server("bench", server_url)).served_models()
        add_server("bench", server_url, models=models)
        use_server("bench", pair=("vi", "en"))
    service = TranslationService(open_database())
    route = service.route("vi", "en")
    if route.server is None:
        service.engine.model(route.models[0])  # loaded before the clock starts
    else:
        client_for(route.server.server)  # its connection pool, likewise
    results: dict = {}
    started = time.perf_counter()
    service.create_job(
        document,
        route,
        on_sentences=lambda batch: results.update(
            {(s.block_index, s.sentence_index): s.translation for s in batch}
        ),
    ).run()
    return time.perf_counter() - started, results, service


def reopen_requests(document) -> int:
    """Requests a reopen of the document (a new service, same library) sends."""
    from reader.core.storage import open_database
    from reader.core.translate.remote import client_for
    from reader.core.translate.service import TranslationService

    service = TranslationService(open_database())
    route = service.route("vi", "en")
    client = client_for(route.server.server)
    before = client.stats.requests
    service.create_job(document, route, on_sentences=lambda batch: None).run()
    return client.stats.requests - before


def main() -> None:
    from reader.core.documents import load_document
    from tests.support.libretranslate import provision, running_server

    document = load_document(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE, language="vi")
    started = time.monotonic()
    provisioned = provision()
    home = Path(tempfile.mkdtemp(prefix="libretranslate-bench-"))
    with running_server(provisioned.venv, home, PACKAGES) as server:
        print(
            f"LibreTranslate ready in {time.monotonic() - started:.1f} s "
            f"(provisioning {provisioned.seconds:.0f} s)"
        )
        local_runs, server_runs = [], []
        for _ in range(ROUNDS):
            local_runs.append(translate_once(document, server_url=None))
            server_runs.append(translate_once(document, server_url=server.url))
            print(f"  local {local_runs[-1][0]:.2f} s   server {server_runs[-1][0]:.2f} s")
        reopened = reopen_requests(document)
    local = min(run[0] for run in local_runs)
    remote = min(run[0] for run in server_runs)
    local_texts, server_texts = local_runs[0][1], server_runs[0][1]
    same = sum(local_texts[key] == server_texts.get(key) for key in local_texts)
    print(f"{document.title}: {document.sentence_count} sentences, {len(document.blocks)} blocks")
    print(
        f"local_s={local:.2f} server_s={remote:.2f} ratio={remote / local:.2f} "
        f"reopen_requests={reopened} identical={same}/{len(local_texts)}"
    )


if __name__ == "__main__":
    main()
