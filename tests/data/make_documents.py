# ruff: noqa: E501  (HTML and Markdown templates: their lines are the documents' lines)
"""Regenerate the test documents in tests/data/documents/ from the sample text.

Run once by hand (needs Debian's pandoc, libreoffice-writer-nogui, hyphen-en-us and qpdf; python-docx from
the venv); the outputs are committed so the test suite needs none of these tools:

    .venv/bin/python tests/data/make_documents.py

What it writes, and why:
- sample.md            the sample as Markdown (title, date, lead, figures with captions, lists);
                       the page debris the text copy has ("Sign In", "Tag:", "File đính kèm")
                       is left out: it is not part of the article.
- sample.epub          EPUB 3 by pandoc;  sample.epub2.epub  EPUB 2 by pandoc.
- sample.docx          DOCX by pandoc.
- sample.pdf           PDF by LibreOffice from sample.docx with a running header and a page
                       number footer added, so page breaks fall inside paragraphs.
- sample.html          a saved news page: navigation, "Sign In", share buttons, tag list,
                       attachments box, related links, cookie banner, scripts, styles, remote
                       images and stylesheet, around the article.
- sample-cp1258.html   the same page in Windows-1258 bytes (declared as such).
- sample-mislabelled.html  UTF-8 bytes whose <meta charset> wrongly says ISO-8859-1.
- features.md/.epub/.epub2.epub/.docx/.pdf  a short document with what the sample lacks:
                       chapters, sub-headings, a nested list, a table, a quotation, a footnote,
                       and an English paragraph LibreOffice hyphenates in the PDF.
- encrypted.pdf        features.pdf encrypted with a user password (qpdf).
- scanned.pdf          a page with an image and no text layer.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unicodedata
import zlib
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SAMPLE = REPO / "resources" / "samples" / "bvctnb-2023.vi.txt"
OUT = HERE / "documents"
DEBRIS = ("Sign In", "Tag:", "File đính kèm")
HEADER_TEXT = "Tạp chí Xây dựng Đảng — Bảo vệ chính trị nội bộ"


def sample_parts() -> tuple[str, list[tuple[str, str]]]:
    """(title, [(kind, text)]) of the article in the sample text; kind: p, li, caption."""
    lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line and line not in DEBRIS]
    title, body = lines[0], lines[1:]
    parts: list[tuple[str, str]] = []
    for line in body:
        if line.startswith("- "):
            parts.append(("li", line[2:]))
        elif "(Ảnh:" in line or line.startswith("Đồng chí Hoàng Đăng Quang"):
            parts.append(("caption", line))
        else:
            parts.append(("p", line))
    return title, parts


def tiny_png() -> bytes:
    """A 2×2 grey PNG: figures need an image, the tests need no pictures."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x80\x80" for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def sample_markdown(title: str, parts: list[tuple[str, str]]) -> str:
    out = [f'---\ntitle: "{title}"\nlang: vi\n---\n']
    previous = ""
    for kind, text in parts:
        text = re.sub(r"([*_`\\\[\]#<>])", r"\\\1", text)
        if kind == "li":
            out.append(("" if previous == "li" else "\n") + f"- {text}\n")
        elif kind == "caption":
            out.append(f"\n![{text}](photo.png)\n")
        else:
            out.append(f"\n{text}\n")
        previous = kind
    return "".join(out)


FEATURES_MD = """---
title: "Tài liệu thử nghiệm"
lang: vi
---

# Chương một

Đây là đoạn mở đầu của chương một. Nó có một chú thích cuối trang.[^1]

## Danh sách

- Mục thứ nhất của danh sách.
    - Mục con thứ nhất.
    - Mục con thứ hai.
- Mục thứ hai của danh sách.

1. Bước một.
2. Bước hai.

## Bảng

| Năm | Kết quả |
|-----|---------|
| 2023 | Hoàn thành tốt nhiệm vụ. |
| 2024 | Tiếp tục triển khai. |

# Chương hai

> Đây là một đoạn trích dẫn trong chương hai.

The internationalization of telecommunications infrastructure requires extraordinarily comprehensive interoperability standardization, notwithstanding considerable administrative counterproductiveness and institutionalized incomprehensibility throughout multinational organizations.

Đoạn cuối cùng của tài liệu.

[^1]: Đây là nội dung của chú thích.
"""


def article_html(title: str, parts: list[tuple[str, str]]) -> str:
    """The sample as a saved page of a news site, with the debris such pages carry."""
    body: list[str] = []
    date, lead, rest = parts[0][1], parts[1][1], parts[2:]
    in_list = False
    for kind, text in rest:
        if kind == "li" and not in_list:
            body.append('<ul class="content-list">')
            in_list = True
        elif kind != "li" and in_list:
            body.append("</ul>")
            in_list = False
        if kind == "li":
            body.append(f"  <li>{escape(text)}</li>")
        elif kind == "caption":
            body.append(
                '<figure class="image"><img src="https://cdn.example.com/photo.jpg" alt="">'
                f"<figcaption>{escape(text)}</figcaption></figure>"
            )
        elif text.startswith("(Nguồn"):
            body.append(f"<p><em>{escape(text)}</em></p>")
        elif text.startswith("Phòng"):
            body.append(
                f'<p class="author" style="text-align:right"><strong>{escape(text)}</strong></p>'
            )
        else:
            body.append(f"<p>{escape(text)}</p>")
    if in_list:
        body.append("</ul>")
    menu = "".join(
        f'<li><a href="/c/{i}">{name}</a></li>'
        for i, name in enumerate(
            ["Trang chủ", "Thời sự", "Xây dựng Đảng", "Tổ chức", "Kiểm tra", "Tuyên giáo"]
        )
    )
    tags = "".join(
        f'<li><a href="/tag/{i}">{name}</a></li>'
        for i, name in enumerate(["bảo vệ chính trị nội bộ", "Ban Tổ chức Trung ương", "BVCTNB"])
    )
    related = "".join(
        f'<li><a href="/a/{i}">Tin liên quan số {i}: hội nghị tổng kết công tác năm {2020 + i}</a></li>'
        for i in range(5)
    )
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{escape(title)} | Tạp chí Xây dựng Đảng</title>
<meta property="og:title" content="{escape(title)}">
<link rel="stylesheet" href="https://cdn.example.com/site.css">
<style>body {{ font-family: sans-serif }} .hidden {{ display: none }}</style>
<script>window.dataLayer = []; function track() {{ return "Đây không phải nội dung"; }}</script>
<script src="https://cdn.example.com/analytics.js"></script>
</head>
<body>
<div class="topbar"><a class="login" href="/login">Sign In</a> | <a href="/register">Đăng ký</a></div>
<header class="site-header"><a href="/"><img src="https://cdn.example.com/logo.png" alt="Tạp chí Xây dựng Đảng"></a>
<form class="search" action="/search"><input name="q" placeholder="Tìm kiếm"><button>Tìm</button></form></header>
<nav class="menu"><ul>{menu}</ul></nav>
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/c/2">Xây dựng Đảng</a></div>
<main>
<article class="detail">
<h1 class="title">{escape(title)}</h1>
<div class="meta"><span class="date">{escape(date)}</span></div>
<div class="share"><a href="https://facebook.com/share">Chia sẻ Facebook</a> <a href="https://twitter.com/share">Tweet</a> <a href="javascript:print()">In bài</a> <button>Gửi email</button></div>
<p class="sapo"><strong>{escape(lead)}</strong></p>
{chr(10).join(body)}
<div class="tags"><span>Tag:</span><ul>{tags}</ul></div>
<div class="attachments"><h4>File đính kèm</h4></div>
</article>
</main>
<aside class="related"><h3>Tin liên quan</h3><ul>{related}</ul></aside>
<div class="cookie-banner" style="display:none">Trang web sử dụng cookie. <button>Đồng ý</button></div>
<footer class="site-footer"><p>© 2024 Tạp chí Xây dựng Đảng. Giấy phép số 123/GP-BTTTT.</p>
<p>Địa chỉ: 1 Đường ABC, Hà Nội. Điện thoại: 024 1234 5678.</p></footer>
<script>track();</script>
</body>
</html>
"""


def to_windows_1258(text: str) -> bytes:
    """Windows-1258 has ê, ơ, ư... but writes most tones as combining marks after them."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(mark for mark in decomposed[1:] if mark in "\u0300\u0301\u0303\u0309\u0323")
        letter = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out += (letter + tones).encode("cp1258")
    return bytes(out)


def run(*command: str, cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, check=True)


def add_header_and_page_numbers(docx_path: Path) -> None:
    """A running header and a PAGE field in the footer, as official documents have."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    document = docx.Document(str(docx_path))
    for style_name in ("Body Text", "First Paragraph", "Normal"):
        if style_name in [style.name for style in document.styles]:
            document.styles[style_name].font.size = Pt(12)
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER_TEXT
    footer = section.footer.paragraphs[0]
    footer.alignment = 1  # centred
    footer._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        )
    )
    document.save(str(docx_path))


def enable_hyphenation(docx_path: Path) -> None:
    """Automatic hyphenation of the English paragraph (needs Debian's hyphen-en-us)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document(str(docx_path))
    document.settings.element.append(parse_xml(f'<w:autoHyphenation {nsdecls("w")} w:val="true"/>'))
    for paragraph in document.paragraphs:
        if paragraph.text.startswith("The internationalization"):
            for run in paragraph.runs:  # LibreOffice hyphenates by the text's language
                run._r.get_or_add_rPr().append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US"/>'))
    document.save(str(docx_path))


def to_pdf(docx_path: Path, work: Path) -> Path:
    run(
        "soffice",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work),
        str(docx_path),
        cwd=work,
    )
    return work / (docx_path.stem + ".pdf")


def scanned_pdf(path: Path) -> None:
    """One page with a filled rectangle and no text: what a scan without OCR looks like."""
    import pypdfium2.raw as pdfium_c

    document = pdfium_c.FPDF_CreateNewDocument()
    page = pdfium_c.FPDFPage_New(document, 0, 595, 842)
    rectangle = pdfium_c.FPDFPageObj_CreateNewRect(72, 72, 451, 698)
    pdfium_c.FPDFPageObj_SetFillColor(rectangle, 200, 200, 200, 255)
    pdfium_c.FPDFPath_SetDrawMode(rectangle, pdfium_c.FPDF_FILLMODE_ALTERNATE, 0)
    pdfium_c.FPDFPage_InsertObject(page, rectangle)
    pdfium_c.FPDFPage_GenerateContent(page)
    import pypdfium2

    wrapper = pypdfium2.PdfDocument(document)
    wrapper.save(str(path))


def main() -> int:
    for tool in ("pandoc", "soffice", "qpdf"):
        if shutil.which(tool) is None:
            print(
                f"needs {tool} (apt-get install pandoc libreoffice-writer-nogui qpdf hyphen-en-us)",
                file=sys.stderr,
            )
            return 1
    OUT.mkdir(exist_ok=True)
    title, parts = sample_parts()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "photo.png").write_bytes(tiny_png())
        for name, markdown in (
            ("sample", sample_markdown(title, parts)),
            ("features", FEATURES_MD),
        ):
            (OUT / f"{name}.md").write_text(markdown, encoding="utf-8")
            shutil.copy(OUT / f"{name}.md", work / f"{name}.md")
            run("pandoc", f"{name}.md", "-o", str(OUT / f"{name}.epub"), "--toc", cwd=work)
            run(
                "pandoc",
                f"{name}.md",
                "-t",
                "epub2",
                "-o",
                str(OUT / f"{name}.epub2.epub"),
                "--toc",
                cwd=work,
            )
            run("pandoc", f"{name}.md", "-o", str(OUT / f"{name}.docx"), cwd=work)
            pdf_source = work / f"{name}.docx"
            shutil.copy(OUT / f"{name}.docx", pdf_source)
            add_header_and_page_numbers(pdf_source)
            if name == "features":
                enable_hyphenation(pdf_source)
            shutil.copy(to_pdf(pdf_source, work), OUT / f"{name}.pdf")
        run(
            "qpdf",
            "--encrypt",
            "user-secret",
            "owner-secret",
            "256",
            "--",
            str(OUT / "features.pdf"),
            str(OUT / "encrypted.pdf"),
            cwd=work,
        )
    scanned_pdf(OUT / "scanned.pdf")
    page = article_html(title, parts)
    (OUT / "sample.html").write_text(page, encoding="utf-8")
    (OUT / "sample-cp1258.html").write_bytes(
        to_windows_1258(page.replace('charset="utf-8"', 'charset="windows-1258"'))
    )
    (OUT / "sample-mislabelled.html").write_bytes(
        page.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("utf-8")
    )
    total = sum(path.stat().st_size for path in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files, {total // 1024} KiB, in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
