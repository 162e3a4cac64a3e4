"""QR codes for print: the only module that imports segno (STYLE.md habit 8)."""
import segno


def qr_data_uri(text: str) -> str:
    """`text` as a QR code (error correction M: a notice folded or smudged at a door still scans), an SVG
    data URI for an <img> in a printed document: WeasyPrint draws it as vectors, sharp at any size. No border:
    the quiet zone is print.css's margin around it (.check)."""
    return segno.make(text, error="m").svg_data_uri(scale=1, border=0)
