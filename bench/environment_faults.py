"""Faulty inputs and environments, each run through the real `bireader` command: does every
one end with the expected exit code and one clear line on stderr, never a traceback?

    python bench/environment_faults.py [--only WORD]

Prints one line per case (PASS/FAIL, exit code, first line of stderr) and the totals. Cases that
need an unprivileged user (permission bits) run as `nobody` when this runs as root, and are
skipped otherwise; the full-disk case needs root to mount a tiny tmpfs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOBODY = 65534
sys.path.insert(0, str(REPO))
from tests.test_decoding import encode_windows_1258  # noqa: E402

# Root passes permission bits by these capabilities: dropped, root is denied like a user.
WITHOUT_ROOT_PRIVILEGES = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--")
UTF8_VIETNAMESE = (
    "Điều 1. Phạm vi điều chỉnh\n\nNghị định này quy định về công tác văn thư của cơ quan, "
    "tổ chức. Công tác văn thư bao gồm soạn thảo, ký ban hành văn bản.\n"
).encode()


@dataclass
class Case:
    name: str
    argv: list[str]
    expect_code: int | tuple[int, ...]
    expect_text: str = ""  # a part of stderr's line
    env: dict[str, str] = field(default_factory=dict)
    unprivileged: bool = False
    stdout_check: Callable[[str], bool] | None = None


def run(case: Case, home: Path) -> tuple[bool, str]:
    env = {**os.environ, "BIREADER_HOME": str(home), "PYTHONPATH": str(REPO), **case.env}
    env.pop("DISPLAY", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    command = [sys.executable, "-m", "reader", *case.argv]
    try:
        result = subprocess.run(
            [*WITHOUT_ROOT_PRIVILEGES, *command] if case.unprivileged else command,
            capture_output=True,
            env=env,
            timeout=60,
            cwd="/",
        )
    except subprocess.TimeoutExpired:
        return False, "timed out (blocked?)"
    stderr = result.stderr.decode("utf-8", "backslashreplace")
    lines = [line for line in stderr.splitlines() if line.strip()]
    problems = []
    expected = case.expect_code if isinstance(case.expect_code, tuple) else (case.expect_code,)
    if result.returncode not in expected:
        problems.append(f"exit {result.returncode}, expected {case.expect_code}")
    if "Traceback" in stderr:
        problems.append("traceback")
    if result.returncode == 2 and len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr")
    if case.expect_text and case.expect_text not in stderr:
        problems.append(f"no {case.expect_text!r}")
    if any(ord(char) < 32 and char not in "\n\r" for char in stderr):
        problems.append("control characters on stderr")
    stdout = result.stdout.decode("utf-8", "replace")
    if any(ord(char) < 32 and char not in "\n\r" for char in stdout):
        problems.append("control characters on stdout")
    if case.stdout_check and not case.stdout_check(stdout):
        problems.append("unexpected stdout")
    shown = lines[-1] if lines else ""
    return not problems, "; ".join(problems) + (" | " if problems else "") + shown[:150]


def input_cases(folder: Path) -> list[Case]:
    def file(name: str, data: bytes) -> str:
        path = folder / name
        path.write_bytes(data)
        return str(path)

    one_bad_byte = file("one-bad-byte.txt", UTF8_VIETNAMESE * 20 + b"\xff" + UTF8_VIETNAMESE)
    legacy = "Nghị định này quy định về công tác văn thư của cơ quan.\n" * 20
    cp1258 = file("cp1258.txt", encode_windows_1258(legacy))
    bad_at = len(UTF8_VIETNAMESE) * 20
    cp1252 = file("cp1252.txt", ("Le café où l'élève déjeune à midi.\n" * 20).encode("cp1252"))
    utf16 = file("utf16-no-bom.txt", UTF8_VIETNAMESE.decode().encode("utf-16-le"))
    utf32 = file("utf32-no-bom.txt", UTF8_VIETNAMESE.decode().encode("utf-32-le"))
    garbage = file("garbage.txt", b"garbage\x00\x01\x02")
    fifo = folder / "fifo.txt"
    os.mkfifo(fifo)
    loop = folder / "loop.txt"
    loop.symlink_to(loop)
    dangling = folder / "dangling.txt"
    dangling.symlink_to(folder / "nowhere.txt")
    plain = file("plain.txt", UTF8_VIETNAMESE)
    closed = folder / "closed"
    closed.mkdir(mode=0o700)
    (closed / "inside.txt").write_bytes(UTF8_VIETNAMESE)
    os.chown(closed, NOBODY, NOBODY)  # another user's folder, closed to others
    newline = folder / "new\nline.txt"
    escape = folder / "title\x1b]0;owned\x07.txt"
    escape.write_bytes(UTF8_VIETNAMESE)
    undecodable = os.fsdecode(os.fsencode(folder) + b"/caf\xe9.txt")
    Path(undecodable).write_bytes(UTF8_VIETNAMESE.replace(b"1", b"2"))
    return [
        Case("utf-8 with one invalid byte", ["segment", one_bad_byte], 0, f"byte {bad_at}"),
        Case("cp1258 stays legacy", ["segment", cp1258], 0, stdout_check=lambda out: "Nghị" in out),
        Case("cp1252 stays legacy", ["segment", cp1252], 0, stdout_check=lambda out: "café" in out),
        Case("utf-16 without BOM", ["segment", utf16], 0, stdout_check=lambda o: "Điều" in o),
        Case("utf-32 without BOM", ["segment", utf32], 0, stdout_check=lambda o: "Điều" in o),
        Case("NUL bytes are binary", ["library", "add", garbage], 2, "binary"),
        Case("FIFO", ["library", "add", str(fifo)], 2, "FIFO"),
        Case("/dev/zero", ["library", "add", "/dev/zero"], 2, "device"),
        Case("/proc/self/status", ["library", "add", "/proc/self/status"], 2, "kernel"),
        Case("symlink loop", ["library", "add", str(loop)], 2, "symbolic link loop"),
        Case("dangling symlink", ["library", "add", str(dangling)], 2, "broken symbolic link"),
        Case("path under a file", ["library", "add", plain + "/x.txt"], 2, "not a folder"),
        Case(
            "closed folder",
            ["segment", str(closed / "inside.txt")],
            2,
            "permission denied",
            unprivileged=True,
        ),
        Case("newline in a name", ["library", "add", str(newline)], 2, "new\\nline"),
        Case("escape in a name", ["library", "add", str(escape)], 0),
        Case("list prints no escape", ["library", "list"], 0),
        Case("undecodable name", ["library", "add", undecodable], 2, "caf\\xe9.txt"),
        Case("list with undecodable", ["library", "list"], 0),
        Case(
            "undecodable --note",
            ["notes", "add", "1", "--quote", "Điều", "--note", "\udcff"],
            2,
            "UTF-8",
        ),
        Case("huge id: library remove", ["library", "remove", str(2**63)], 2, "2**63"),
        Case("huge id: notes list", ["notes", "list", "--document", str(2**63)], 2, "2**63"),
        Case("huge id: notes add", ["notes", "add", str(2**63), "--quote", "x"], 2, "2**63"),
        Case("huge id: notes tags", ["notes", "tags", "--document", str(2**64)], 2, "2**63"),
        Case(
            "huge id: notes export",
            ["notes", "export", "--format", "md", "--document", str(2**63)],
            2,
            "2**63",
        ),
        Case("huge id: search", ["search", "x", "--document", str(2**63)], 2, "2**63"),
        Case("huge limit: search", ["search", "x", "--limit", str(2**63)], 2, "limit"),
        Case("huge occurrence", ["notes", "add", "1", "--quote", "x", "--occurrence", "1e30"], 2),
    ]


def home_cases(folder: Path) -> list[Case]:
    regular = folder / "home-file"
    regular.write_text("not a folder")
    read_only = folder / "read-only-home"  # another user's: not ours to chmod
    read_only.mkdir()
    read_only.chmod(0o755)
    os.chown(read_only, NOBODY, NOBODY)
    library = folder / "read-only-library"
    library.mkdir()
    subprocess.run(
        [sys.executable, "-m", "reader", "library", "list"],
        env={**os.environ, "BIREADER_HOME": str(library), "PYTHONPATH": str(REPO)},
        check=True,
        capture_output=True,
    )
    another_users = folder / "another-users-library"
    shutil.copytree(library, another_users)
    os.chown(another_users / "library.sqlite3", NOBODY, NOBODY)  # in a folder of ours
    for path in (library, *library.iterdir()):
        os.chown(path, NOBODY, NOBODY)
    homes = {
        "a regular file": (str(regular), False),
        "/dev/null": ("/dev/null", False),
        "a path under a file": (str(regular / "home"), False),
        "/proc/self": ("/proc/self", False),
        "an unwritable folder": (str(read_only / "home"), True),
        "a read-only folder": (str(read_only), True),
        "a read-only library": (str(library), True),
        "another user's library": (str(another_users), True),
    }
    commands = [["library", "list"], ["notes", "list"], ["search", "x"], ["models", "list"]]
    sample = folder / "inputs" / "plain.txt"
    writing = [["library", "add", str(sample)], ["notes", "add", "1", "--quote", "x"]]
    return [
        Case(
            f"read-only library: {' '.join(argv[:2])}",
            argv,
            2,
            "read-only",
            env={"BIREADER_HOME": str(library)},
            unprivileged=True,
        )
        for argv in writing
    ] + [
        Case(
            f"home is {label}: {' '.join(argv)}",
            argv,
            (0, 2) if label == "another user's library" and argv[0] == "models" else 2,
            env={"BIREADER_HOME": home},
            unprivileged=unprivileged,
        )
        for label, (home, unprivileged) in homes.items()
        for argv in commands
    ]


def full_disk_cases(folder: Path, sample: Path) -> list[Case]:
    full = folder / "full"
    full.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)], capture_output=True
    )
    if mounted.returncode != 0:
        return []
    with contextlib.suppress(OSError), (full / "filler").open("wb") as filler:
        filler.write(b"\0" * 70_000)  # more than fits
    return [
        Case(
            "full disk: notes export",
            ["notes", "export", "--format", "md", "-o", str(full / "notes.md")],
            2,
            "disk is full",
        ),
        Case(
            "full disk: backup",
            ["backup", str(full / "backup.sqlite3")],
            2,
            "disk is full",
        ),
        Case(
            "full disk: library home",
            ["library", "add", str(sample)],
            2,
            "free some space",
            env={"BIREADER_HOME": str(full / "home")},
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="run the cases whose name contains this")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bireader-faults-"))
    root.chmod(0o755)
    home = root / "home"
    home.mkdir()
    sample = root / "inputs" / "plain.txt"
    cases = []
    full = root / "full"
    try:
        (root / "inputs").mkdir()
        cases = input_cases(root / "inputs") + home_cases(root)
        if os.geteuid() == 0:
            cases += full_disk_cases(root, sample)
        cases = [case for case in cases if not args.only or args.only in case.name]
        passed = 0
        for case in cases:
            if case.unprivileged and os.geteuid() != 0:
                print(f"SKIP  {case.name}")
                continue
            ok, detail = run(case, home)
            passed += ok
            print(f"{'PASS' if ok else 'FAIL'}  {case.name:<45} {detail}")
        print(f"{passed} passed, {len(cases) - passed} failed")
    finally:
        if full.is_mount():
            subprocess.run(["umount", str(full)], check=False)
        for path in root.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
