"""`bireader models available|list|install|remove`: translation model packages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reader.cli.options import language_code
from reader.cli.output import printable
from reader.core.errors import ReaderError
from reader.core.translate.catalogue import (
    CatalogueEntry,
    find_entry,
    human_size,
    load_catalogue,
    refresh_catalogue,
)
from reader.core.translate.packages import (
    InstalledModel,
    install_package_file,
    list_installed,
    remove_installed,
    version_key,
)

PACKAGE_SUFFIX = ".argosmodel"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help="list, install and remove translation models")
    commands = parser.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    available = commands.add_parser("available", help="models that can be installed")
    available.add_argument("--json", action="store_true", help="machine-readable output")
    available.add_argument(
        "--refresh", action="store_true", help="fetch the current Argos index first (needs network)"
    )
    available.set_defaults(func=_available)

    listing = commands.add_parser("list", help="installed models")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    install = commands.add_parser(
        "install", help="install a model: a code to download (vi_en) or an .argosmodel file"
    )
    install.add_argument("model", nargs="?", metavar="CODE-or-FILE")
    install.add_argument(
        "--from", dest="from_code", type=language_code, metavar="LANG", help="source language code"
    )
    install.add_argument(
        "--to", dest="to_code", type=language_code, metavar="LANG", help="target language code"
    )
    install.set_defaults(func=_install)

    remove = commands.add_parser("remove", help="remove an installed model")
    remove.add_argument("code", help="e.g. vi_en, vi-en or translate-vi_en")
    remove.set_defaults(func=_remove)


def _installed_status(entry: CatalogueEntry, installed: dict[str, InstalledModel]) -> str:
    model = installed.get(entry.code)
    if model is None:
        return "-"
    if version_key(model.version) < version_key(entry.version):
        return f"{model.version} (update available)"
    return model.version


def _available(args: argparse.Namespace) -> int:
    if args.refresh:
        count = refresh_catalogue()
        print(f"fetched the Argos index: {count} packages", file=sys.stderr)
    entries = load_catalogue()
    installed = {model.code: model for model in list_installed()}
    if args.json:
        rows = [
            {**entry.to_json(), "installed": getattr(installed.get(entry.code), "version", None)}
            for entry in entries
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{'CODE':<18} {'LANGUAGES':<34} {'VERSION':<8} {'SIZE':>9}  INSTALLED")
    for entry in entries:
        languages = f"{entry.from_name} → {entry.to_name}"
        status = _installed_status(entry, installed)
        print(
            f"{entry.code:<18} {languages:<34} {entry.version:<8} "
            f"{human_size(entry.size):>9}  {status}"
        )
    return 0


def _model_json(model: InstalledModel) -> dict:
    return {
        "code": model.code,
        "from_code": model.from_code,
        "to_code": model.to_code,
        "from_name": model.from_name,
        "to_name": model.to_name,
        "version": model.version,
        "path": str(model.path),
        "target_prefix": model.target_prefix,
    }


def _list(args: argparse.Namespace) -> int:
    models = list_installed()
    if args.json:
        print(json.dumps([_model_json(model) for model in models], ensure_ascii=False, indent=2))
        return 0
    if not models:
        print("no models installed (see `bireader models available`)", file=sys.stderr)
    for model in models:
        languages = printable(f"{model.from_name} → {model.to_name}")
        code, version = printable(model.code), printable(model.version)
        print(f"{code:<18} {languages:<34} {version:<8} {printable(str(model.path))}")
    return 0


def _requested_model(args: argparse.Namespace) -> str:
    if args.model and (args.from_code or args.to_code):
        raise ReaderError("give either CODE-or-FILE or --from/--to, not both")
    if args.model:
        return args.model
    if args.from_code and args.to_code:
        return f"{args.from_code}_{args.to_code}"
    raise ReaderError("give a model code (e.g. vi_en), an .argosmodel file, or --from and --to")


def _install(args: argparse.Namespace) -> int:
    requested = _requested_model(args)
    path = Path(requested)
    if path.exists() or requested.endswith(PACKAGE_SUFFIX):
        model = install_package_file(path)
    else:
        model = _download(requested)
    print(
        printable(f"installed {model.code} {model.version} ({model.from_name} → {model.to_name})")
    )
    return 0


class ProgressBar:
    """A tqdm bar on stderr, drawn from the first progress report (it knows where we resume)."""

    def __init__(self, label: str, unit: str = "B"):
        self.label = label
        self.unit = unit  # "B": bytes, shown in KiB, MiB...; else counted as they are
        self.bar = None

    def __call__(self, done: int, total: int | None) -> None:
        from tqdm import tqdm  # only the CLI draws bars

        if self.bar is None:
            in_bytes = self.unit == "B"
            self.bar = tqdm(
                total=total,
                initial=done,
                desc=self.label,
                unit=self.unit,
                unit_scale=in_bytes,
                unit_divisor=1024 if in_bytes else 1000,
            )
            return
        self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _download(code: str) -> InstalledModel:
    from reader.core.translate.download import download_and_install

    entry = find_entry(code)
    if entry is None:
        raise ReaderError(f"no model {code} in the catalogue (see `bireader models available`)")
    bar = ProgressBar(entry.code)
    try:
        outcome = download_and_install(entry, progress=bar)
    finally:
        bar.close()
    if outcome.installed_meanwhile:
        print(
            f"{entry.code} {entry.version} was downloaded and installed meanwhile by another "
            "Bilingual Reader window or command",
            file=sys.stderr,
        )
    if outcome.first_use:
        print(
            f"{entry.code} {entry.version}: the catalogue has no checksum; this download "
            f"({outcome.download.size} bytes, sha256 {outcome.download.sha256}) is now recorded "
            "and later downloads are checked against it",
            file=sys.stderr,
        )
    return outcome.model


def _remove(args: argparse.Namespace) -> int:
    model = remove_installed(args.code)
    print(printable(f"removed {model.code} {model.version} ({model.from_name} → {model.to_name})"))
    return 0
