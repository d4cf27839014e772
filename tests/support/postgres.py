"""A real PostgreSQL server for the test session: a throw-away cluster in a temporary folder,
listening on 127.0.0.1 (a free port) and a Unix socket in that folder, stopped at the end.

Found as Debian's `postgresql` package (`/usr/lib/postgresql/*/bin`, or `initdb` on PATH);
missing, it is installed with apt-get when we are root on a machine that has it, so that the
README's test command sets it up on a fresh machine. The server refuses to run as root: then it
runs as the unprivileged `nobody`. A server that cannot be had fails the tests with the reason,
never skips them."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

SUPERUSER = "postgres"
_UNPRIVILEGED = "nobody"


@dataclass(frozen=True)
class PostgresServer:
    socket_dir: Path
    port: int

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """A SQLAlchemy URL through the Unix socket (no password: the cluster trusts local
        connections, it lives only as long as the test session)."""
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket_dir}&port={self.port}"

    def tcp_url(self, database: str, user: str) -> str:
        """Through 127.0.0.1, where the server asks for the role's password."""
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements: str, database: str = "postgres") -> None:
        """Run statements as the superuser, outside a transaction (CREATE DATABASE needs it)."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=SUPERUSER,
            dbname=database,
            autocommit=True,
        ) as connection:
            for statement in statements:
                connection.execute(statement)


def server_binaries() -> Path:
    """The folder of `initdb`, `pg_ctl` and `postgres`, installing the package if need be."""
    found = _find_binaries()
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        _apt_install("postgresql", "postgresql-contrib")
        found = _find_binaries()
    if found is None:
        pytest.fail(
            "PostgreSQL's server binaries (initdb, pg_ctl) are not installed: "
            "`apt-get install postgresql postgresql-contrib`, as root",
            pytrace=False,
        )
    return found


def _find_binaries() -> Path | None:
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version, reverse=True)
    initdb = versions[0] if versions else shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _version(initdb: str) -> int:
    return int(Path(initdb).parents[1].name.split(".")[0])


def _apt_install(*packages: str) -> None:
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(command, capture_output=True, env=environment).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, env=environment)
        subprocess.run(command, capture_output=True, env=environment)


def start_server(binaries: Path, folder: Path) -> PostgresServer:
    data = folder / "data"
    as_owner = _as_unprivileged_user(folder)
    _run(
        as_owner,
        binaries / "initdb",
        "-D",
        data,
        "-U",
        SUPERUSER,
        "--auth-local=trust",  # the tests' own socket: no passwords to manage
        "--auth-host=scram-sha-256",  # 127.0.0.1: passwords checked, as a team's server does
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync",
    )
    port = _free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    )
    _run(
        as_owner,
        binaries / "pg_ctl",
        "start",
        "-w",
        "-t",
        "60",
        "-D",
        data,
        "-l",
        folder / "server.log",
        "-o",
        options,
        log=folder / "server.log",
    )
    return PostgresServer(folder, port)


def stop_server(binaries: Path, folder: Path) -> None:
    """Stop the server if it runs (a failed start left none to stop)."""
    if (folder / "data" / "postmaster.pid").exists():
        command = [*_as_unprivileged_user(folder), str(binaries / "pg_ctl"), "stop", "-m", "fast"]
        subprocess.run([*command, "-D", str(folder / "data")], capture_output=True)


def _as_unprivileged_user(folder: Path) -> list[str]:
    """The server must not run as root: hand its folder to `nobody` and run through runuser."""
    if os.geteuid() != 0:
        return []
    shutil.chown(folder, _UNPRIVILEGED)
    return ["runuser", "-u", _UNPRIVILEGED, "--"]


def _run(prefix: list[str], *command: object, log: Path | None = None) -> None:
    result = subprocess.run([*prefix, *map(str, command)], capture_output=True, text=True)
    if result.returncode != 0:
        server_log = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        pytest.fail(
            f"PostgreSQL could not be started: {Path(str(command[0])).name} said "
            f"{(result.stderr or result.stdout).strip()[-2000:]} {server_log}",
            pytrace=False,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    binaries = server_binaries()
    folder = Path(tempfile.mkdtemp(prefix="bireader-pg-"))
    try:
        yield start_server(binaries, folder)
    finally:
        stop_server(binaries, folder)
        shutil.rmtree(folder, ignore_errors=True)


_databases = count()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of a new, empty database of the session's server (dropped by the server's end)."""
    name = f"library_{os.getpid()}_{next(_databases)}"
    postgres_server.execute(f'CREATE DATABASE "{name}"')
    return postgres_server.url(name)


@pytest.fixture
def team_urls(postgres_server: PostgresServer) -> dict[str, str]:
    """A new database owned by the role `team`, with `alice` and `bob` as its members, as an
    office would set it up: {role: URL}. Roles belong to the whole server: made once."""
    name = f"team_{os.getpid()}_{next(_databases)}"
    postgres_server.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'team') THEN "
        "CREATE ROLE team LOGIN; CREATE ROLE alice LOGIN IN ROLE team; "
        "CREATE ROLE bob LOGIN IN ROLE team; END IF; END $$",
        f'CREATE DATABASE "{name}" OWNER team',
    )
    return {role: postgres_server.url(name, role) for role in ("team", "alice", "bob")}
