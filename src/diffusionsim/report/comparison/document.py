"""What a report is made of: sections holding blocks (text, lists, tables, figures, code), rendered by the templates
once to HTML and once to markdown, so both say the same thing. Every text in a block is already in the reader's
language; the templates add nothing but structure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import pandas as pd


@dataclass(frozen=True)
class Text:
    """A paragraph; `tone` "warning" draws the eye (a mix of scale and policy, a failed run)."""

    text: str
    tone: str = ""
    id: str = ""  # an anchor in the HTML (tests and links find the block by it)
    kind: ClassVar[str] = "text"


@dataclass(frozen=True)
class Items:
    """A bulleted list."""

    items: list[str]
    id: str = ""
    kind: ClassVar[str] = "items"


@dataclass(frozen=True)
class Table:
    """A table of strings. `swatches` gives a scenario's colour to the column or row label that names it, so a
    scenario has one colour in the tables as in the figures."""

    frame: pd.DataFrame
    caption: str = ""
    swatches: dict[str, str] = field(default_factory=dict)
    id: str = ""
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Figure:
    """A PNG in the report folder (inlined in the HTML) and what it shows, for readers who cannot see it."""

    file: str
    alt: str
    kind: ClassVar[str] = "figure"


@dataclass(frozen=True)
class Code:
    """Preformatted text: a command, the manifest."""

    text: str
    kind: ClassVar[str] = "code"


Block = Text | Items | Table | Figure | Code


@dataclass
class Section:
    """A titled part of the report; `id` is its anchor in the HTML."""

    id: str
    title: str
    blocks: list[Block]


@dataclass
class Report:
    """The whole document: title, warnings shown above everything, the sections in reading order."""

    title: str
    lang: str
    warnings: list[str]
    sections: list[Section]

    def section(self, id: str) -> Section | None:  # noqa: A002 - the HTML's word
        return next((s for s in self.sections if s.id == id), None)
