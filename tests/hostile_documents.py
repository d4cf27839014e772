"""Hostile documents shared by `tests/test_hostile_documents.py` and `tests/test_no_network.py`:
pages and books that try to run code, fetch remote or local resources, or expand entities."""

from __future__ import annotations

import zipfile
from pathlib import Path

ARTICLE = (
    "Công tác bảo vệ chính trị nội bộ là một bộ phận trọng yếu trong công tác xây dựng Đảng. "
    "Năm 2023, các cấp ủy đã lãnh đạo, chỉ đạo thực hiện tốt nhiệm vụ này."
)
# Text that must never reach the reader: it lives in scripts, styles, frames, hidden elements.
NEVER_SHOWN = "NEVERSHOWN"


def hostile_html(base: str, secret_file: Path) -> str:
    """A page whose every way to reach the network or the disk points at `base` (a local
    server counting requests) or at `secret_file`."""
    secret = secret_file.as_uri()
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url={base}/refresh">
<title>Trang độc hại</title>
<link rel="stylesheet" href="{base}/style.css">
<link rel="preload" href="{base}/preload.js" as="script">
<link rel="import" href="{base}/import.html">
<link rel="icon" href="{base}/favicon.ico">
<base href="{base}/base/">
<style>@import url("{base}/import.css"); body {{ background: url({base}/bg.png); }}
.x::after {{ content: "{NEVER_SHOWN}-style"; }}</style>
<script src="{base}/script.js"></script>
<script>fetch("{base}/fetch"); document.write("{NEVER_SHOWN}-script");</script>
</head>
<body onload="fetch('{base}/onload')">
<article>
<h1>Bảo vệ chính trị nội bộ</h1>
<p>{ARTICLE}</p>
<p>Chi tiết xem <a href="{secret}">tệp đính kèm</a> và <a href="{base}/link">trang này</a>.</p>
<img src="{base}/img.png" srcset="{base}/img-2x.png 2x, {base}/img-3x.png 3x" alt="ảnh">
<img src="{secret}">
<picture><source srcset="{base}/picture.webp"><img src="{base}/picture.png"></picture>
<iframe src="{base}/iframe.html">{NEVER_SHOWN}-iframe</iframe>
<iframe srcdoc="&lt;p&gt;{NEVER_SHOWN}-srcdoc&lt;/p&gt;"></iframe>
<iframe src="{secret}"></iframe>
<object data="{base}/object.swf">{NEVER_SHOWN}-object</object>
<embed src="{base}/embed.swf">
<video poster="{base}/poster.jpg" src="{base}/video.mp4"><track src="{base}/track.vtt"></video>
<audio src="{base}/audio.mp3"></audio>
<svg><image href="{base}/svg-image.png"/><text>{NEVER_SHOWN}-svg</text></svg>
<form action="{base}/form"><input type="image" src="{base}/input.png"></form>
<div style="background-image: url('{base}/inline-style.png')">Đoạn có nền ảnh từ xa.</div>
<div hidden>{NEVER_SHOWN}-hidden</div>
<noscript><img src="{base}/noscript.png">{NEVER_SHOWN}-noscript</noscript>
<template><img src="{base}/template.png">{NEVER_SHOWN}-template</template>
</article>
</body>
</html>
"""


def xxe_xhtml(secret_file: Path, base: str) -> str:
    """XHTML with external entities (local file, remote URL) and a billion-laughs bomb."""
    laughs = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' if i else '<!ENTITY lol0 "lol">'
        for i in range(10)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html [
<!ENTITY secret SYSTEM "{secret_file.as_uri()}">
<!ENTITY remote SYSTEM "{base}/entity.xml">
<!ENTITY % dtd SYSTEM "{base}/evil.dtd">
{laughs}
]>
<html xmlns="http://www.w3.org/1999/xhtml" lang="vi">
<head><title>XXE</title><link rel="stylesheet" href="{base}/epub.css"/></head>
<body>
<h1>Chương một</h1>
<p>{ARTICLE}</p>
<p>&secret;</p>
<p>&remote;</p>
<p>&lol9;</p>
<p><img src="{base}/epub-img.png"/></p>
</body>
</html>
"""


def hostile_epub(path: Path, base: str, secret_file: Path) -> Path:
    """An EPUB whose chapter expands entities and links remote resources, and whose package
    document lists a remote chapter, a `file://` one and a path out of the archive."""
    opf = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE package [<!ENTITY secret SYSTEM "{secret_file.as_uri()}">]>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="id">hostile</dc:identifier><dc:title>Sách &secret;</dc:title>
<dc:language>vi</dc:language>
</metadata>
<manifest>
<item id="ch1" href="ch1.xhtml" media-type="application/xhtml+xml"/>
<item id="css" href="{base}/remote.css" media-type="text/css"/>
<item id="font" href="{base}/font.woff" media-type="font/woff"/>
</manifest>
<spine><itemref idref="ch1"/></spine>
</package>
"""
    return write_epub(
        path, "OEBPS/content.opf", opf, {"OEBPS/ch1.xhtml": xxe_xhtml(secret_file, base)}
    )


def epub_with_outside_chapter(path: Path, href: str) -> Path:
    """An EPUB whose only chapter is outside the archive (a URL, a file URI, ../..)."""
    opf = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Ngoài</dc:title></metadata>
<manifest><item id="c" href="{href}" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="c"/></spine>
</package>
"""
    return write_epub(path, "content.opf", opf, {})


def write_epub(path: Path, opf_path: str, opf: str, members: dict[str, str]) -> Path:
    """An EPUB of the package document `opf` (at `opf_path`) and other `members`."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            f'<rootfile full-path="{opf_path}" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        archive.writestr(opf_path, opf)
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def book_epub(path: Path, chapters: list[str], spine: list[int]) -> Path:
    """An EPUB of XHTML `chapters` (bodies) read in the order of `spine` (chapter indexes,
    which may repeat)."""
    manifest = "".join(
        f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>'
        for i in range(len(chapters))
    )
    itemrefs = "".join(f'<itemref idref="c{i}"/>' for i in spine)
    opf = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Sách</dc:title></metadata>
<manifest>{manifest}</manifest>
<spine>{itemrefs}</spine>
</package>
"""
    members = {
        f"c{i}.xhtml": f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>'
        for i, body in enumerate(chapters)
    }
    return write_epub(path, "content.opf", opf, members)


def hostile_docx(seed: Path, path: Path, base: str, secret_file: Path) -> Path:
    """A copy of a real DOCX whose document.xml declares external and exploding entities and
    whose relationships point at remote and local targets (images, hyperlinks, templates)."""
    with zipfile.ZipFile(seed) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    document = members["word/document.xml"].decode("utf-8")
    doctype = (
        f'<!DOCTYPE w:document [<!ENTITY secret SYSTEM "{secret_file.as_uri()}">'
        f'<!ENTITY remote SYSTEM "{base}/docx-entity">]>'
    )
    head, rest = document.split("?>", 1)
    body_at = rest.index("<w:body>") + len("<w:body>")
    rest = rest[:body_at] + "<w:p><w:r><w:t>&secret;&remote;</w:t></w:r></w:p>" + rest[body_at:]
    members["word/document.xml"] = f"{head}?>{doctype}{rest}".encode()
    rels = (
        members["word/_rels/document.xml.rels"]
        .decode("utf-8")
        .replace(
            "</Relationships>",
            f'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/image" Target="{base}/docx-image.png" TargetMode="External"/>'
            f'<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/attachedTemplate" Target="{base}/template.dotm" TargetMode="External"/>'
            f'<Relationship Id="rIdX3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/hyperlink" Target="{secret_file.as_uri()}" TargetMode="External"/>'
            "</Relationships>",
        )
    )
    members["word/_rels/document.xml.rels"] = rels.encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path
