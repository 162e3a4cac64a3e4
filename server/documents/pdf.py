"""HTML → PDF with WeasyPrint. The only module that imports weasyprint (STYLE.md habit 8).

One FontConfiguration and one pre-parsed stylesheet serve every document (TOOLCHAIN.md: 285 → 206 ms per
document). Fonts come from the system (fonts-noto-cjk), subset by libharfbuzz-subset (without it every
PDF silently takes ~18 s). Rendering is serialised by a lock: Pango and fontconfig state is shared.
"""
import threading
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "documents"
STYLESHEET = TEMPLATES / "print.css"


class OwnFilesOnly(URLFetcher):
    """WeasyPrint fetches nothing but the project's own print files and inline data (issue 15, item 8): a
    value that slipped into the HTML as markup (an owner named `<img src="http://127.0.0.1:9/x">`) makes no
    connection to any host, nor reads any other file of the machine."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url[len("file://"):].split("?")[0]).resolve()
            if path.is_relative_to(TEMPLATES):
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


def render(html: str) -> bytes:
    """One HTML document as one PDF."""
    with _lock:
        fonts, css = _prepared()
        return HTML(string=html, url_fetcher=_FETCHER).write_pdf(stylesheets=[css], font_config=fonts)


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
            document = HTML(string=html, url_fetcher=_FETCHER).render(stylesheets=[css], font_config=fonts)
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
