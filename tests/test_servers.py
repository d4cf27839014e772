"""The servers registry and API keys: keyring where usable, else a user-only file."""

from __future__ import annotations

import json
import stat

import pytest
from keyring.backend import KeyringBackend

from reader.core.errors import ReaderError
from reader.core.translate import servers


class MemoryKeyring(KeyringBackend):
    """A working keyring backend (the platform's is absent on a headless test machine)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def delete_password(self, service, username):
        self.passwords.pop((service, username))


class BrokenKeyring(MemoryKeyring):
    def set_password(self, service, username, password):
        raise RuntimeError("the keyring is locked")


MODELS = {"vi_en": "abc", "en_vi": "def"}


def secret_files(root) -> list[str]:
    return [p.read_text("utf-8", "replace") for p in root.rglob("*") if p.is_file()]


def test_the_key_goes_to_a_usable_keyring_and_nowhere_else(bireader_home):
    keyring = MemoryKeyring()
    server = servers.add_server(
        "office",
        "http://box:5000/",
        api_key="k-123",
        models=MODELS,
        keyring_backend=lambda: keyring,
    )
    assert server.key_store == "keyring" and server.url == "http://box:5000"
    assert keyring.passwords == {(servers.KEYRING_SERVICE, "office"): "k-123"}
    assert not any("k-123" in text for text in secret_files(bireader_home))
    loaded = servers.load_registry().servers["office"]
    assert servers.load_key(loaded, lambda: keyring) == "k-123"
    servers.remove_server("office", lambda: keyring)
    assert keyring.passwords == {}


@pytest.mark.parametrize("backend", [lambda: None, BrokenKeyring])
def test_without_a_usable_keyring_the_key_is_a_0600_file(bireader_home, backend):
    server = servers.add_server(
        "office", "http://box:5000", api_key="k-456", keyring_backend=backend
    )
    assert server.key_store == "file"
    [key_file] = (bireader_home / servers.KEYS_DIR_NAME).iterdir()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "k-456" not in servers.registry_path().read_text("utf-8")
    assert servers.load_key(servers.load_registry().servers["office"]) == "k-456"
    servers.remove_server("office", backend)
    assert not key_file.exists()


def test_the_headless_default_keyring_is_not_usable(monkeypatch):
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    assert servers.usable_keyring() is None


def test_pairs_and_fallback_choose_the_server(bireader_home):
    servers.add_server("office", "http://box:5000", models=MODELS)
    servers.use_server("office", pair=("vi", "en"))
    registry = servers.load_registry()
    assert registry.server_for("vi", "en", local_model=True).name == "office"
    assert registry.server_for("en", "vi", local_model=False) is None  # no fallback yet
    servers.use_server("office")
    registry = servers.load_registry()
    assert registry.server_for("en", "vi", local_model=False).name == "office"
    assert registry.server_for("en", "vi", local_model=True) is None  # local wins
    with pytest.raises(ReaderError, match="does not translate vi into fr"):
        servers.use_server("office", pair=("vi", "fr"))
    servers.remove_server("office")
    assert servers.load_registry() == servers.Registry()  # its choices went with it


@pytest.mark.parametrize(
    ("name", "url", "problem"),
    [
        ("bad name!", "http://box", "not a server name"),
        ("office", "ftp://box", "not an http"),
        ("office", "box:5000", "not an http"),
    ],
)
def test_bad_names_and_urls_are_refused(name, url, problem):
    with pytest.raises(ReaderError, match=problem):
        servers.add_server(name, url)
    assert not servers.registry_path().exists()


def test_a_damaged_registry_is_an_input_error():
    servers.registry_path().write_text(json.dumps({"servers": {"x": {}}}), "utf-8")
    with pytest.raises(ReaderError, match="not a server list"):
        servers.load_registry()


@pytest.mark.parametrize("content", [b"", b"two\nlines", b"\xff\xfe", b"a" * 5000])
def test_a_bad_key_file_is_refused_without_echoing_it(tmp_path, content):
    path = tmp_path / "key"
    path.write_bytes(content)
    with pytest.raises(ReaderError) as error:
        servers.read_key_file(path)
    assert "two" not in str(error.value) and str(path) in str(error.value)


def test_a_server_route_is_hashable_like_a_local_one():
    from reader.core.translate.remote import RemotePair
    from reader.core.translate.service import Route

    pair = RemotePair(servers.Server("office", "http://box", dict(MODELS)), "vi", "en")
    assert len({Route("vi", "en", (), pair), Route("vi", "en", (), pair)}) == 1
