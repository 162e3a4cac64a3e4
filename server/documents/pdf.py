"""HTML → PDF with WeasyPrint. The only module that imports weasyprint (STYLE.md habit 8).

One FontConfiguration and one pre-parsed stylesheet serve every document (TOOLCHAIN.md: 285 → 206 ms per
document). Fonts come from the system (fonts-noto-cjk), subset by libharfbuzz-subset (without it every
PDF silently takes ~18 s). Rendering is serialised by a lock: Pango and fontconfig state is shared.
"""
import threading
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "documents" / "print.css"
_lock = threading.Lock()
_fonts: FontConfiguration | None = None
_css: CSS | None = None


def _prepared() -> tuple[FontConfiguration, CSS]:
    global _fonts, _css
    if _css is None:
        _fonts = FontConfiguration()
        _css = CSS(filename=str(STYLESHEET), font_config=_fonts)
    return _fonts, _css


def render(html: str) -> bytes:
    """One HTML document as one PDF."""
    with _lock:
        fonts, css = _prepared()
        return HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts)


def render_each(htmls: list[str], on_each=None) -> tuple[list[bytes], bytes]:
    """Several HTML documents: each as its own PDF (to hash it alone) and all of them as one PDF.

    The layout is done once per document; the combined file reuses the laid-out pages.
    """
    singles, pages, first = [], [], None
    for i, html in enumerate(htmls):
        with _lock:
            fonts, css = _prepared()
            document = HTML(string=html).render(stylesheets=[css], font_config=fonts)
            singles.append(document.write_pdf())
        first = first or document
        pages.extend(document.pages)
        if on_each:
            on_each(i + 1)
    if first is None:
        return [], b""
    with _lock:
        return singles, first.copy(pages).write_pdf()
