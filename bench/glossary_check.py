"""The glossary check on the sample with the copy model (../shared/models/): how many sentences
hold glossary terms, how many came back with every placeholder (passed), how many were
translated again without protection, and how many still lack a term (marked missing).

The copy model copies its input, so this measures the mechanics (placeholders surviving the
model, restoring, the check), not a translation. Runs in a throw-away data directory.

Run: `.venv/bin/python bench/glossary_check.py`
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
COPY_MODEL = SHARED / "models" / "translate-vi_en-copy.argosmodel"
SAMPLE = REPO / "resources" / "samples" / "bvctnb-2023.vi.txt"
sys.path.insert(0, str(REPO))

GLOSSARY = [  # (source, target or None to keep, case-sensitive)
    ("Bộ Chính trị", "Politburo", False),
    ("Ban Bí thư", "Secretariat", False),
    ("Ban Tổ chức Trung ương", "Central Organisation Commission", False),
    ("Ủy ban Kiểm tra Trung ương", "Central Inspection Commission", False),
    ("Đảng", "the Party", True),
    ("Công đoàn Việt Nam", "Vietnam General Confederation of Labour", False),
    ("32-TB/TW", None, True),
    ("58-QĐ/TW", None, True),
    ("Trương Thị Mai", None, True),
    ("Hoàng Đăng Quang", None, True),
]


def main() -> int:
    if not COPY_MODEL.exists():
        print(f"{COPY_MODEL} is not here")
        return 1
    os.environ["BIREADER_HOME"] = tempfile.mkdtemp(prefix="bireader-glossary-")
    from reader.core.documents import load_document
    from reader.core.storage import open_database
    from reader.core.terms import protect
    from reader.core.terms.glossary import make_entry, save_entries
    from reader.core.translate.packages import install_package_file
    from reader.core.translate.service import TranslationService, prepare_sentences

    install_package_file(COPY_MODEL)
    database = open_database()
    save_entries(
        database,
        [
            make_entry(source, target, "vi", "en", case_sensitive=case)
            for source, target, case in GLOSSARY
        ],
    )
    service = TranslationService(database)
    document = load_document(SAMPLE, language="vi")
    route = service.route("vi", "en")
    prepared = prepare_sentences(service.terms_stage(document, route), document)
    with_terms = [item for item in prepared.values() if item.required]
    calls: list[int] = []

    def model(texts: list[str]) -> list[str]:
        calls.append(len(texts))
        return service.engine.translate(route.models, texts)

    finished = protect.translate(with_terms, model)
    retranslated = calls[1] if len(calls) > 1 else 0
    missing = sum(1 for result in finished if result.missing)
    terms = sum(len(item.required) for item in with_terms)
    print(f"sentences: {len(prepared)}, with glossary terms: {len(with_terms)} ({terms} terms)")
    print(f"passed the check (every placeholder back): {len(with_terms) - retranslated}")
    print(f"translated again without protection: {retranslated}")
    print(f"marked glossary_missing: {missing}")
    for result in finished:
        if result.missing:
            print(f"  missing {list(result.missing)}: {result.translation[:100]}")
    print(f"e.g.: {finished[0].translation[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
