"""The print fonts: Noto CJK SC cut to GB2312 once, at set-up, so a notice embeds kilobytes, not hundreds.
The only module that imports fontTools (STYLE.md habit 8).

    .venv/bin/python -m server.documents.fonts      (scripts/setup.sh and the Dockerfile run it)

WeasyPrint subsets every font it embeds but keeps glyph ids, so a subset of the system's Noto CJK (65,535
glyphs) still carries tables sized by the highest id used: ~130 KB per font, three fonts in a notice, 412 KB
a page (issue 15, item 1). Cut beforehand to the 7,445 characters of GB2312 plus the printing's own signs,
the font's ids are few and low, and a one-page notice is ~50 KB (TOOLCHAIN.md). A rare character outside
GB2312 (𠮷, 堃, 喆) is drawn from the system's full Noto CJK, the next family in print.css.

The cut fonts are files made from the machine's own Noto CJK (fonts-noto-cjk, OFL), beside print.css under
fonts/, not kept in git. Without them printing still works, with the system fonts and larger files.
"""
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SYSTEM = Path("/usr/share/fonts/opentype/noto")
FOLDER = Path(__file__).resolve().parent.parent / "templates" / "documents" / "fonts"
# (file made, system collection, the family in it): print.css names these files.
FONTS = [("serif-regular.otf", "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
         ("serif-bold.otf", "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
         ("sans-regular.otf", "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
         ("sans-bold.otf", "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC")]
# Printed besides GB2312: list bullets (CSS draws them), m², the yuan sign, the square metre, ideographic and full-width forms, the degree.
EXTRA = "•◦▪²³¥￥㎡℃°×÷±·—–‘’“”…‰〔〕【】《》〈〉「」『』（）［］｛｝〇、。，．：；！？％＃＆＊＋－＝＜＞／＼｜～＿"


def characters() -> str:
    """ASCII, GB2312's characters (every two-byte code that decodes) and EXTRA."""
    chars = {chr(c) for c in range(0x20, 0x7F)} | set(EXTRA)
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(chars))


def covered() -> frozenset:
    """The code points of the cut serif font; empty when set-up has not made it."""
    path = FOLDER / FONTS[0][0]
    return frozenset(TTFont(str(path), lazy=True).getBestCmap()) if path.exists() else frozenset()


def _font_number(path: Path, family: str) -> int:
    collection = TTCollection(str(path), lazy=True)
    for i, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return i
    raise LookupError(f"{family} is not in {path}")


def cut(text: str, source: Path, family: str, target: Path, layout: bool = False) -> Path:
    """Write `family` of the collection `source`, cut to the characters of `text`, to `target` (whole or
    not at all). Glyph ids are renumbered from 1, which is what keeps WeasyPrint's embedded subset small."""
    options = subset.Options(font_number=_font_number(source, family), layout_features=["*"] if layout else [],
                             hinting=False, desubroutinize=True, name_IDs=["*"], name_languages=["*"],
                             notdef_outline=True)
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    partial = target.with_name(target.name + ".part")
    subset.save_font(font, str(partial), options)
    partial.replace(target)
    return target


def cut_rare(text: str, target: Path) -> Path:
    """The few characters of one document that the cut fonts lack (a name with 𠮷), from the system serif."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return cut(text, SYSTEM / FONTS[0][1], FONTS[0][2], target)


def build(folder: Path = FOLDER, system: Path = SYSTEM) -> list[Path]:
    """Make the cut fonts that are missing (or older than this module); answers the files made."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    text = characters()
    for name, source, family in FONTS:
        target, src = folder / name, system / source
        if not src.exists():
            raise FileNotFoundError(f"{src}: install fonts-noto-cjk (scripts/setup.sh does)")
        if target.exists() and target.stat().st_mtime >= Path(__file__).stat().st_mtime:
            continue
        # No layout features: their closure (vertical and variant forms) nearly doubles the glyphs, and ids,
        # for what horizontal Chinese print never uses; WeasyPrint drops GSUB/GPOS when it embeds anyway.
        made.append(cut(text, src, family, target, layout=False))
    return made


if __name__ == "__main__":
    for path in build():
        print(f"fonts: made {path.name} ({path.stat().st_size // 1024} KB)")
    sys.exit(0)
