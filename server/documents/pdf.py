"""HTML → PDF with WeasyPrint. The only module that imports weasyprint (STYLE.md habit 8).

One FontConfiguration and one pre-parsed stylesheet serve every document (TOOLCHAIN.md: 285 → 206 ms per
document). Fonts come from the system (fonts-noto-cjk), subset by libharfbuzz-subset (without it every
PDF silently takes ~18 s). Rendering is serialised by a lock: Pango and fontconfig state is shared.
"""
import hashlib
import os
import tempfile
import threading
from pathlib import Path


from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import fonts as cut_fonts

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "documents"
STYLESHEET = TEMPLATES / "print.css"
# Fonts cut at print time for characters the set-up's cut fonts lack (fonts.py): a cache of this machine.
RARE = Path(tempfile.gettempdir()) / f"heatledger-fonts-{os.getuid()}"
MAX_RARE = 200  # more characters than this outside GB2312: the system fonts draw them, no cut is made


class OwnFilesOnly(URLFetcher):
    """WeasyPrint fetches nothing but the project's own print files and inline data (issue 15, item 8): a
    value that slipped into the HTML as markup (an owner named `<img src="http://127.0.0.1:9/x">`) makes no
    connection to any host, nor reads any other file of the machine."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url[len("file://"):].split("?")[0]).resolve()
            if path.is_relative_to(TEMPLATES) or (path.is_relative_to(RARE.resolve()) and path.suffix == ".otf"):
                return super().fetch(path.as_uri(), headers)
        raise ValueError(f"not one of the project's print files: {url[:80]}")


_FETCHER = OwnFilesOnly(allowed_protocols=("file", "data"), allow_redirects=False)
_lock = threading.Lock()
_fonts: FontConfiguration | None = None
_css: CSS | None = None


def _prepared() -> tuple[FontConfiguration, CSS]:
    global _fonts, _css
    if _css is None:
        _fonts = FontConfiguration()
        _css = CSS(filename=str(STYLESHEET), font_config=_fonts, url_fetcher=_FETCHER)
    return _fonts, _css


_covered: frozenset | None = None
_rare_css: dict = {}


def _cut_covers() -> frozenset:
    """The code points the set-up's cut serif font has (none if it was not made: then nothing is cut)."""
    global _covered
    if _covered is None:
        _covered = cut_fonts.covered()
    return _covered


def _stylesheets(html: str, fonts: FontConfiguration, css: CSS) -> list[CSS]:
    """print.css, and for a document with characters outside the cut fonts (a name with 𠮷) a font of just
    those, first in line after the cut fonts: the system's full Noto CJK would embed ~130 KB for one glyph."""
    covered = _cut_covers()
    if not covered:
        return [css]
    rare = "".join(sorted({c for c in html if ord(c) > 0x7F and ord(c) not in covered and not c.isspace()}))
    if not rare or len(rare) > MAX_RARE:
        return [css]
    key = hashlib.sha256(rare.encode()).hexdigest()[:16]
    if key not in _rare_css:
        path = RARE / f"rare-{key}.otf"
        if not path.exists():
            cut_fonts.cut_rare(rare, path)
        family = f"HL Rare {key}"
        _rare_css[key] = CSS(string=(
            f'@font-face {{ font-family: "{family}"; src: url({path.as_uri()}); }}'
            f'html {{ font-family: "HL Serif", "{family}", "Noto Serif CJK SC", "Noto Sans CJK SC", serif; }}'
            f'h1, h2, h3, th, .sans, b, strong, .daxie, tr.total td {{ font-family: "HL Sans", "{family}", "Noto Sans CJK SC", "Noto Serif CJK SC",'
            f' sans-serif; }}'), font_config=fonts, url_fetcher=_FETCHER)
    return [css, _rare_css[key]]


def render(html: str) -> bytes:
    """One HTML document as one PDF."""
    with _lock:
        fonts, css = _prepared()
        return HTML(string=html, url_fetcher=_FETCHER).write_pdf(stylesheets=_stylesheets(html, fonts, css),
                                                                  font_config=fonts)


def render_many(htmls: list[str], on_each=None, keep=None) -> tuple[bytes, list[int]]:
    """Several HTML documents as one PDF, and the first page (1-based) of each in it.

    Each document is laid out on its own (its page counter restarts), then the pages are written once:
    one font subset for the whole file instead of one per document (~110 ms and ~400 KB saved each).
    With `keep`, each document's own PDF is written from the same layout too, and `keep(i, pdf)` is called
    with it (the register's file of each household, OFFICE.md).
    """
    pages, starts, first = [], [], None
    for i, html in enumerate(htmls):
        with _lock:
            fonts, css = _prepared()
            document = HTML(string=html, url_fetcher=_FETCHER).render(
                stylesheets=_stylesheets(html, fonts, css), font_config=fonts)
            own = document.write_pdf() if keep else None
        if keep:
            keep(i, own)
        first = first or document
        starts.append(len(pages) + 1)
        pages.extend(document.pages)
        if on_each:
            on_each(i + 1)
    if first is None:
        return b"", []
    with _lock:
        return first.copy(pages).write_pdf(), starts
