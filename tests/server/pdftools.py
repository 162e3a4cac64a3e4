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
