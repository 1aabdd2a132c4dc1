"""Typesetting of the printed application forms (申请表) with reportlab, Chinese text in an embedded font.

The font (WenQuanYi Micro Hei, hub/forms/fonts) ships with the hub, so a PDF looks the same in every viewer and
on every printer; reportlab embeds only the glyphs a document uses (a form is some tens of kilobytes). A
character the font lacks (rare ideographs of the CJK extensions) is set in the PDF standard CID font
STSong-Light, which the viewer supplies, rather than dropped.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hub.clock import LOCAL

FONT = "WenQuanYiMicroHei"
FALLBACK = "STSong-Light"
FONT_FILE = Path(__file__).parent / "fonts" / "wqy-microhei.ttf"
COLUMNS = 12
WIDTH = 180 * mm
LABEL_BG = colors.Color(0.93, 0.93, 0.93)
FOOTER_SIZE = 7.5
CHECKED, UNCHECKED = "■", "□"
TIE = "\xa0"  # a box stays on the line of its label


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    font = TTFont(FONT, str(FONT_FILE))
    pdfmetrics.registerFont(font)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return frozenset(font.face.charToGlyph)


def markup(text: str) -> str:
    """Paragraph markup for `text`: escaped, with characters the font lacks set in the fallback font."""
    glyphs = _glyphs()
    out, run, missing = [], [], False
    for char in text:
        lacks = ord(char) not in glyphs and not char.isspace()
        if lacks != missing and run:
            out.append(_run("".join(run), missing))
            run = []
        run.append(char)
        missing = lacks
    if run:
        out.append(_run("".join(run), missing))
    return "".join(out).replace("\n", "<br/>")


def _run(text: str, fallback: bool) -> str:
    return f'<font name="{FALLBACK}">{escape(text)}</font>' if fallback else escape(text)


def style(size: float = 9, *, bold: bool = False, center: bool = False, grey: bool = False) -> ParagraphStyle:
    _glyphs()
    return ParagraphStyle(
        f"s{size}{bold}{center}{grey}", fontName=FONT, fontSize=size, leading=size * 1.35,
        alignment=TA_CENTER if center else 0, textColor=colors.Color(0.35, 0.35, 0.35) if grey else colors.black,
        wordWrap="CJK",  # breaks between ideographs, never before a closing mark (、，。）)
    )


def text(value: str | None, size: float = 9, **options: bool) -> Paragraph:
    return Paragraph(markup(value or ""), style(size, **options))


def choices(options: Iterable[tuple[object, str]], chosen: object) -> str:
    """□ 选项 … with the chosen ones (a value, or a collection of values) marked ■."""
    picked = set(chosen) if isinstance(chosen, (list, tuple, set, frozenset)) else {chosen}
    return "　".join(f"{CHECKED if value in picked else UNCHECKED}{TIE}{label}" for value, label in options)


@dataclass(frozen=True)
class Cell:
    content: object  # str or a flowable
    span: int
    label: bool = False


def label(content: str, span: int) -> Cell:
    return Cell(content, span, label=True)


def value(content: object, span: int) -> Cell:
    return Cell(content, span)


class Grid:
    """A form as one table of twelve equal columns; each row is cells spanning some of them."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self.commands: list[tuple] = []

    def row(self, *cells: Cell) -> None:
        assert sum(c.span for c in cells) == COLUMNS, cells
        index, column, row = len(self.rows), 0, []
        for cell in cells:
            content = cell.content
            if isinstance(content, str) or content is None:
                content = text(content, center=cell.label)
            row += [content] + [""] * (cell.span - 1)
            if cell.span > 1:
                self.commands.append(("SPAN", (column, index), (column + cell.span - 1, index)))
            if cell.label:
                self.commands.append(("BACKGROUND", (column, index), (column + cell.span - 1, index), LABEL_BG))
            column += cell.span
        self.rows.append(row)

    def join_down(self, column: int, rows: int) -> None:
        """One cell for `column` of the last `rows` rows (the form's 高压 beside four rows): the first one's."""
        last = len(self.rows) - 1
        self.commands.append(("SPAN", (column, last - rows + 1), (column, last)))

    def heading(self, title: str) -> None:
        self.row(Cell(text(title, 10, bold=True, center=True), COLUMNS, label=True))

    def table(self) -> Table:
        table = Table(self.rows, colWidths=[WIDTH / COLUMNS] * COLUMNS)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            *self.commands,
        ]))
        return table


def render(title: str, header: Sequence[str], grid: Grid, footer: str) -> bytes:
    """One form: its title, a line above the table (case number, dates), the table, and a footer on each page."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=16 * mm, title=title, author="开封市一件事一次办", subject=header[0])

    def page(canvas, document) -> None:  # type: ignore[no-untyped-def]
        number = f"第 {document.page} 页"
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.35, 0.35, 0.35))
        canvas.setFont(FONT, FOOTER_SIZE)
        canvas.drawRightString(195 * mm, 9 * mm, number)
        room = WIDTH - pdfmetrics.stringWidth(number, FONT, FOOTER_SIZE) - 4 * mm
        canvas.setFont(FONT, min(FOOTER_SIZE, FOOTER_SIZE * room / pdfmetrics.stringWidth(footer, FONT, FOOTER_SIZE)))
        canvas.drawString(15 * mm, 9 * mm, footer)  # smaller rather than over the page number
        canvas.restoreState()

    story = [text(title, 15, bold=True, center=True), Spacer(1, 3 * mm),
             Table([[text(part, 8.5) for part in header]], colWidths=[WIDTH / len(header)] * len(header),
                   style=[("LEFTPADDING", (0, 0), (-1, -1), 0)]),
             Spacer(1, 1.5 * mm), grid.table()]
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


def when(moment: datetime | None, *, minutes: bool = True) -> str | None:
    """Kaifeng local time, as a window writes it."""
    if moment is None:
        return None
    local = moment.astimezone(LOCAL)
    return local.strftime("%Y年%m月%d日 %H:%M" if minutes else "%Y年%m月%d日")
