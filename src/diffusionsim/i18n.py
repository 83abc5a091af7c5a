"""Dutch and English: one message catalogue (gettext) and the locale's number, currency and date formats (Babel).

Texts in code are English msgids wrapped in ``_()`` (translated now) or ``N_()`` (marked for the catalogue, translated
where they are shown, for module-level tables of labels). The Dutch catalogue is ``locale/nl/LC_MESSAGES/
diffusionsim.po``; it is compiled in memory when first needed, so there is no compiled file to go stale. The language
is a context variable: ``with language("nl"):`` makes every ``_()`` inside it Dutch, in this thread or task only.

To refresh the catalogue after changing texts, from the repository root (babel.cfg says where the texts are)::

    uv run python scripts/catalogue.py

extracts the msgids into ``locale/diffusionsim.pot``, updates the Dutch .po (translations kept, new msgids added,
near matches of changed ones marked fuzzy, unused ones dropped) and lists what still needs a Dutch text; translate
those in the .po (and remove the ``#, fuzzy`` flag once checked). It runs these two commands::

    uv run pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --add-location file --project diffusionsim \
        -o src/diffusionsim/locale/diffusionsim.pot src
    uv run pybabel update -i src/diffusionsim/locale/diffusionsim.pot -d src/diffusionsim/locale -D diffusionsim \
        --ignore-obsolete

``tests/test_catalogue.py`` fails while a text in the report code is outside the catalogue or a msgid has no Dutch
text.
"""

from __future__ import annotations

import gettext
import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("en", "nl")
DOMAIN = "diffusionsim"
LOCALE_DIR = Path(__file__).parent / "locale"
LOCALES = {"en": "en_GB", "nl": "nl_NL"}  # number and date conventions: 1,234.5 and 1.234,5

_language: ContextVar[str] = ContextVar("language", default="en")


class UnknownLanguageError(ValueError):
    """A language this project has no catalogue for."""


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of `lang`, compiled from its .po file in memory; English is the msgids themselves."""
    if lang not in LANGUAGES:
        raise UnknownLanguageError(f"unknown language {lang!r}: allowed are {', '.join(LANGUAGES)}")
    if lang == "en":
        return gettext.NullTranslations()
    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def current() -> str:
    """The language texts are translated into here and now."""
    return _language.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Translate into `lang` inside the block (checked before anything is written)."""
    translations(lang)
    token = _language.set(lang)
    try:
        yield lang
    finally:
        _language.reset(token)


def _(message: str) -> str:
    """`message` in the current language."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current language."""
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark for the catalogue, translate later"
    """Mark `message` for the catalogue without translating it yet (module-level tables of labels)."""
    return message


def locale() -> Locale:
    """Babel's locale for the current language."""
    return Locale.parse(LOCALES[current()])


def number(value: float, decimals: int = 0, sign: bool = False) -> str:
    """`value` with `decimals` decimals and the locale's separators (1,234.5 or 1.234,5); `sign` adds a + to
    positive numbers. Not a number (NaN, infinite): "n/a" in the current language."""
    if not math.isfinite(value):
        return _("n/a")
    exact = Decimal(float(value))  # the float's own value, so that rounding matches Python's (0.025 is 0.0250...01)
    return format_decimal(exact, format=_pattern(decimals, sign), locale=locale(), decimal_quantization=True)


def percent(value: float, decimals: int = 1, sign: bool = False) -> str:
    """A share (0.123) as the locale writes a percentage: 12.3%, 12,3%; `sign` adds a + to positive values."""
    if not math.isfinite(value):
        return _("n/a")
    return format_percent(value, format=_pattern(decimals, sign, "%"), locale=locale(), decimal_quantization=True)


def _pattern(decimals: int, sign: bool, suffix: str = "") -> str:
    """A Babel number pattern: grouped thousands, `decimals` decimals, optionally signed."""
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + suffix
    return f"+{body};-{body}" if sign else body


def month(iso: str) -> str:
    """A calendar month "2029-03" as the locale writes it: "March 2029", "maart 2029"."""
    year, mon = (int(part) for part in iso.split("-")[:2])
    return format_date(date(year, mon, 1), format="MMMM y", locale=locale())


__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "current",
    "language",
    "locale",
    "month",
    "ngettext",
    "number",
    "percent",
    "translations",
]
