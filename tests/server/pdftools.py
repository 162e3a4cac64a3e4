"""PDF checks with poppler-utils: the text a reader sees, the fonts embedded, page 1 as a PNG to look at."""
import subprocess
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _write(data: bytes, folder: Path, name: str = "doc.pdf") -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path


def pdf_text(data: bytes, folder: Path) -> str:
    path = _write(data, folder)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(data: bytes, folder: Path) -> int:
    out = subprocess.run(["pdfinfo", str(_write(data, folder))], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_fonts(data: bytes, folder: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(_write(data, folder))], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def page_png(data: bytes, name: str, page: int = 1) -> Path:
    """Page `page` as test-artifacts/<name>.png (gitignored), for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = _write(data, ARTIFACTS, f"{name}.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}.png"


def qr_modules(data: bytes) -> set[tuple[int, int]]:
    """The dark modules (row, column) of the QR code drawn in a one-QR PDF, read back from its drawing.

    WeasyPrint draws the SVG of server/documents/qr.py as one stroke per run of dark modules in a row:
    `x0 y+.5 m  x1 y+.5 l`, in module units. Nothing else in a notice is drawn at whole-and-a-half
    coordinates, so the runs give the matrix back without a QR decoder (zbar is not installed here)."""
    import re
    import zlib
    dark = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            body = zlib.decompress(stream)
        except zlib.error:
            continue
        for x0, y, x1 in re.findall(rb"(?m)^(\d+) (\d+)\.5 m\n(\d+) \2\.5 l$", body):
            dark |= {(int(y), x) for x in range(int(x0), int(x1))}
    return dark
