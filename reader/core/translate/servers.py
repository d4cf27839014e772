"""Translation servers (LibreTranslate): the registry, their API keys, and which pair uses one.

The registry is `servers.json` in the data folder: each server's URL and the models it reported
(`/languages`) when added, which language pairs go to which server, and the fallback server for
pairs no installed model translates. API keys never go there: they are kept by the platform
keyring where a usable backend exists, else in a user-only (0600) file under `server-keys/`.
Nothing here prints or logs a key.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.errors import InputError, ReaderError
from reader.core.paths import data_dir

REGISTRY_NAME = "servers.json"
KEYS_DIR_NAME = "server-keys"
KEYRING_SERVICE = "bilingual-reader"
SERVER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
MAX_KEY_FILE_BYTES = 4096


@dataclass(frozen=True)
class Server:
    name: str
    url: str  # without a trailing slash
    # What the server reported for each pair it serves ("vi_en": a digest of its /languages
    # entries), so that the cache can be looked up with no request.
    models: dict[str, str] = field(default_factory=dict, hash=False)  # routes stay hashable
    key_store: str | None = None  # "keyring", "file", or None: no API key

    @property
    def has_key(self) -> bool:
        return self.key_store is not None


@dataclass
class Registry:
    servers: dict[str, Server] = field(default_factory=dict)
    pairs: dict[str, str] = field(default_factory=dict)  # "vi_en" -> server name
    fallback: str | None = None

    def server_for(self, from_code: str, to_code: str, *, local_model: bool) -> Server | None:
        """The server chosen for the pair, else the fallback when no local model translates it."""
        name = self.pairs.get(pair_code(from_code, to_code))
        if name is None and not local_model:
            name = self.fallback
        return self.servers.get(name) if name else None


def pair_code(from_code: str, to_code: str) -> str:
    return f"{from_code}_{to_code}"


def registry_path() -> Path:
    return data_dir() / REGISTRY_NAME


def load_registry() -> Registry:
    path = registry_path()
    try:
        raw = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return Registry()
    except (OSError, ValueError) as error:
        raise InputError(path, f"unreadable server list ({error})") from error
    try:
        servers = {
            name: Server(name, entry["url"], dict(entry.get("models", {})), entry.get("key_store"))
            for name, entry in raw.get("servers", {}).items()
        }
        return Registry(servers, dict(raw.get("pairs", {})), raw.get("fallback"))
    except (AttributeError, KeyError, TypeError) as error:
        raise InputError(path, f"not a server list ({error!r})") from error


def save_registry(registry: Registry) -> None:
    """Write atomically: a crash leaves the old list or the new one, never half of one."""
    path = registry_path()
    raw = {
        "servers": {
            server.name: {"url": server.url, "models": server.models, "key_store": server.key_store}
            for server in registry.servers.values()
        },
        "pairs": registry.pairs,
        "fallback": registry.fallback,
    }
    scratch = path.with_name(f".{path.name}.tmp")
    scratch.write_text(json.dumps(raw, indent=2, sort_keys=True), "utf-8")
    os.replace(scratch, path)


def check_name(name: str) -> str:
    if not SERVER_NAME.fullmatch(name):
        raise ReaderError(f"{name!r} is not a server name (letters, digits, . _ -; 40 at most)")
    return name


def normalise_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
        raise ReaderError(f"{url!r} is not an http(s) URL")
    return url


# --- API keys -----------------------------------------------------------------------------------


def read_key_file(path: Path) -> str:
    """The key in a file the user gave (one line); never echoed back in an error."""
    try:
        data = path.read_bytes()[: MAX_KEY_FILE_BYTES + 1]
    except OSError as error:
        raise InputError(path, f"cannot read the API key file ({error.strerror})") from error
    try:
        key = data.decode("utf-8").strip()
    except UnicodeDecodeError as error:
        raise InputError(path, "the API key file is not UTF-8 text") from error
    if not key or len(data) > MAX_KEY_FILE_BYTES or any(c.isspace() for c in key):
        raise InputError(path, "the API key file must hold one key on one line")
    return key


def usable_keyring():
    """The platform keyring backend, or None where there is none that works (headless Linux)."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def _key_file(name: str) -> Path:
    return data_dir() / KEYS_DIR_NAME / name


def store_key(name: str, key: str, keyring_backend: Callable[[], object] = usable_keyring) -> str:
    """Keep the server's key; returns where ("keyring" or "file")."""
    backend = keyring_backend()
    if backend is not None:
        try:
            backend.set_password(KEYRING_SERVICE, name, key)
            return "keyring"
        except Exception:  # any backend failure (locked, no D-Bus): fall back to the file
            pass
    path = _key_file(name)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key)
    path.chmod(0o600)  # an existing file keeps its mode through O_CREAT
    return "file"


def load_key(server: Server, keyring_backend: Callable[[], object] = usable_keyring) -> str | None:
    if server.key_store == "keyring":
        backend = keyring_backend()
        key = backend.get_password(KEYRING_SERVICE, server.name) if backend else None
        if key is None:
            raise ReaderError(f"server {server.name}: its API key is no longer in the keyring")
        return key
    if server.key_store == "file":
        try:
            return _key_file(server.name).read_text("utf-8").strip()
        except OSError as error:
            raise ReaderError(f"server {server.name}: its API key file is gone") from error
    return None


def forget_key(server: Server, keyring_backend: Callable[[], object] = usable_keyring) -> None:
    if server.key_store == "keyring" and (backend := keyring_backend()) is not None:
        with contextlib.suppress(Exception):  # already gone: nothing to forget
            backend.delete_password(KEYRING_SERVICE, server.name)
    _key_file(server.name).unlink(missing_ok=True)


# --- registry changes ---------------------------------------------------------------------------


def add_server(
    name: str,
    url: str,
    *,
    api_key: str | None = None,
    models: dict[str, str] | None = None,
    keyring_backend: Callable[[], object] = usable_keyring,
) -> Server:
    registry = load_registry()
    check_name(name)
    if name in registry.servers:
        raise ReaderError(f"server {name} exists already (remove it first)")
    key_store = store_key(name, api_key, keyring_backend) if api_key else None
    server = Server(name, normalise_url(url), dict(models or {}), key_store)
    registry.servers[name] = server
    save_registry(registry)
    return server


def remove_server(name: str, keyring_backend: Callable[[], object] = usable_keyring) -> Server:
    registry = load_registry()
    server = registry.servers.pop(name, None)
    if server is None:
        raise ReaderError(f"no server named {name}")
    registry.pairs = {pair: chosen for pair, chosen in registry.pairs.items() if chosen != name}
    if registry.fallback == name:
        registry.fallback = None
    save_registry(registry)
    forget_key(server, keyring_backend)
    return server


def use_server(name: str | None, *, pair: tuple[str, str] | None = None) -> None:
    """Send `pair` to server `name` (None: back to the local model), or, without a pair, make
    `name` the fallback (None: no fallback)."""
    registry = load_registry()
    if name is not None and name not in registry.servers:
        raise ReaderError(f"no server named {name}")
    if (
        name is not None
        and pair is not None
        and pair_code(*pair) not in registry.servers[name].models
    ):
        raise ReaderError(f"server {name} does not translate {pair[0]} into {pair[1]}")
    if pair is None:
        registry.fallback = name
    elif name is None:
        registry.pairs.pop(pair_code(*pair), None)
    else:
        registry.pairs[pair_code(*pair)] = name
    save_registry(registry)
