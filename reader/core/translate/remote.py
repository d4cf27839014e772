"""Translating through a LibreTranslate server: our sentences in, one translation each out.

Each call sends one batch (`q` as a list) and returns only a whole, validated answer, so that the
cache never holds half of one. Rate limits (429) and a busy server (502-504) are retried a few
times, waiting what `Retry-After` says or an exponential back-off, bounded; every other fault is
a `ServerError`: one line naming the server and the problem. Several requests may run at once
(the job runs `in_flight` batches side by side), over one connection pool per server.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from reader.core.errors import ReaderError
from reader.core.translate.servers import Server, load_key, load_registry, pair_code

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 120.0  # a big batch on a CPU server takes a while
IN_FLIGHT = 3  # requests at once per job: keeps a shared server busy without hogging it
MAX_RETRIES = 4
FIRST_BACKOFF_SECONDS = 0.5
MAX_WAIT_SECONDS = 30.0
RETRIED_STATUSES = frozenset({429, 502, 503, 504})
MAX_ERROR_CHARS = 120


class ServerError(ReaderError):
    def __init__(self, server: Server, problem: str):
        self.server = server
        self.problem = problem
        super().__init__(f"server {server.name} ({server.url}): {problem}")


@dataclass
class RequestStats:
    """What went over the wire, for benchmarks and tests."""

    requests: int = 0  # HTTP requests sent, retries included
    retries: int = 0
    sentences: int = 0  # sentences translated
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, *, retry: bool) -> None:
        with self._lock:
            self.requests += 1
            self.retries += retry

    def translated(self, sentences: int) -> None:
        with self._lock:
            self.sentences += sentences


class LibreTranslateClient:
    def __init__(
        self,
        server: Server,
        api_key: str | None = None,
        *,
        timeout: float = READ_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.server = server
        self.stats = RequestStats()
        self._api_key = api_key
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=server.url, timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT)
        )

    def close(self) -> None:
        self._http.close()

    def languages(self) -> list[dict]:
        answer = self._request("GET", "/languages")
        if not isinstance(answer, list) or not all(_is_language(entry) for entry in answer):
            raise ServerError(self.server, "its /languages answer is not a list of languages")
        return answer

    def served_models(self) -> dict[str, str]:
        """{"vi_en": digest} for every pair the server says it translates. LibreTranslate names
        no model version, so the digest is of what it reports about the pair's languages: a
        server that changes its models there gets new cache keys."""
        entries = {entry["code"]: entry for entry in self.languages()}
        models = {}
        for source, entry in entries.items():
            for target in entry["targets"]:
                if target != source and target in entries:
                    reported = json.dumps([entry, entries[target]], sort_keys=True)
                    digest = hashlib.sha256(reported.encode()).hexdigest()[:16]
                    models[pair_code(source, target)] = digest
        return models

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        if not sentences:
            return []
        body = {"q": list(sentences), "source": source, "target": target, "format": "text"}
        if self._api_key:
            body["api_key"] = self._api_key
        answer = self._request("POST", "/translate", json=body)
        translations = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translations, list) or not all(isinstance(t, str) for t in translations):
            raise ServerError(self.server, "its answer has no list of translations")
        if len(translations) != len(sentences):
            problem = f"{len(translations)} translations for {len(sentences)} sentences"
            raise ServerError(self.server, problem)
        self.stats.translated(len(sentences))
        return translations

    def _request(self, method: str, path: str, **kwargs) -> object:
        for attempt in range(MAX_RETRIES + 1):
            response = self._send(method, path, attempt, **kwargs)
            if response.status_code not in RETRIED_STATUSES or attempt == MAX_RETRIES:
                break
            self._sleep(_wait_seconds(response, attempt))
        if response.status_code != 200:
            raise ServerError(self.server, _status_problem(response))
        try:
            return response.json()
        except ValueError as error:
            raise ServerError(self.server, "its answer is not valid JSON") from error

    def _send(self, method: str, path: str, attempt: int, **kwargs) -> httpx.Response:
        self.stats.count(retry=attempt > 0)
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as error:
            raise ServerError(self.server, "no answer in time (timeout)") from error
        except httpx.TransportError as error:
            raise ServerError(self.server, f"cannot reach it ({_first_line(error)})") from error


def _is_language(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("code"), str)
        and isinstance(entry.get("targets"), list)
    )


def _wait_seconds(response: httpx.Response, attempt: int) -> float:
    """Retry-After when the server gives a number of seconds, else an exponential back-off."""
    try:
        wait = float(response.headers.get("Retry-After", ""))
    except ValueError:
        wait = FIRST_BACKOFF_SECONDS * 2**attempt
    return min(max(wait, 0.0), MAX_WAIT_SECONDS)


def _status_problem(response: httpx.Response) -> str:
    status = response.status_code
    if status == 403:
        return "access refused (HTTP 403: a missing or wrong API key)"
    if status == 429:
        return f"still rate-limited after {MAX_RETRIES} retries (HTTP 429)"
    detail = _server_message(response)
    return f"HTTP {status}" + (f" ({detail})" if detail else "")


def _server_message(response: httpx.Response) -> str:
    """LibreTranslate's {"error": "..."}, shortened to one printable line."""
    try:
        message = response.json().get("error", "")
    except (ValueError, AttributeError):
        return ""
    text = " ".join(str(message).split())
    return text[:MAX_ERROR_CHARS]


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


# --- one pair on one server ---------------------------------------------------------------------

_clients: dict[tuple[str, str], LibreTranslateClient] = {}
_clients_lock = threading.Lock()


def client_for(server: Server) -> LibreTranslateClient:
    """One client (connection pool) per server and URL for the life of the process."""
    with _clients_lock:
        client = _clients.get((server.name, server.url))
        if client is None:
            client = _clients[(server.name, server.url)] = LibreTranslateClient(
                server, load_key(server)
            )
        return client


def forget_clients() -> None:
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


@dataclass(frozen=True)
class RemotePair:
    """A language pair translated by a server, as a route's translator."""

    server: Server
    from_code: str
    to_code: str
    in_flight: int = IN_FLIGHT

    @property
    def key(self) -> str:
        """The cache key: the server, and the pair's model as the server reported it."""
        model = self.server.models.get(pair_code(self.from_code, self.to_code), "unknown")
        return f"libretranslate:{self.server.url}:{self.from_code}_{self.to_code}#{model}"

    def translate(self, sentences: Sequence[str]) -> list[str]:
        # A line break inside a sentence (a wrapped heading) is a space to our segmenter and
        # tokenizer, but Argos on the server cuts paragraphs there and translates the lines apart.
        flat = [" ".join(sentence.split()) for sentence in sentences]
        return client_for(self.server).translate(flat, self.from_code, self.to_code)


def remote_pair(from_code: str, to_code: str, *, local_model: bool) -> RemotePair | None:
    """The server route for the pair, if the registry chooses one that serves it."""
    server = load_registry().server_for(from_code, to_code, local_model=local_model)
    if server is None or pair_code(from_code, to_code) not in server.models:
        return None
    return RemotePair(server, from_code, to_code)
