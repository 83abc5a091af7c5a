"""Refresh the message catalogue after texts changed, and list what still needs a Dutch translation.

    uv run python scripts/catalogue.py          # extract, update the .po, list untranslated msgids
    uv run python scripts/catalogue.py --check  # change nothing; exit 1 if the .po is not complete and in sync

It runs Babel's own two commands from the repository root (see src/diffusionsim/i18n.py):

1. ``pybabel extract`` over ``src`` with babel.cfg's patterns and the keywords ``_``, ``N_`` and ``ngettext``, into
   ``src/diffusionsim/locale/diffusionsim.pot`` (locations by file only, so moving code does not change the .po);
2. ``pybabel update`` of every language's .po from it: translations kept, new msgids added, a changed msgid that is
   close to an old one gets the old translation marked fuzzy, msgids no longer in the code dropped.

Then it lists each msgid whose Dutch text is missing or fuzzy: translate those in the .po, remove the ``#, fuzzy``
line once checked, and run ``uv run pytest -q tests/test_catalogue.py``. Exit status 1 while any are left.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = Path("src/diffusionsim/locale")
POT = LOCALE / "diffusionsim.pot"
DOMAIN = "diffusionsim"


def extract_command(pot: Path) -> list[str]:
    return [
        "pybabel",
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "N_",
        "-k",
        "ngettext:1,2",
        "--add-location",
        "file",
        "--project",
        DOMAIN,
        "-o",
        str(pot),
        "src",
    ]


def update_command(pot: Path, locale_dir: Path) -> list[str]:
    return ["pybabel", "update", "-i", str(pot), "-d", str(locale_dir), "-D", DOMAIN, "--ignore-obsolete"]


def pybabel(argv: list[str]) -> None:
    print("$ uv run " + " ".join(argv), flush=True)
    status = CommandLineInterface().run([argv[0], "--quiet", *argv[1:]])
    if status:
        raise SystemExit(status)


def untranslated(po: Path) -> list[str]:
    """The msgids of `po` whose translation is empty (any plural form) or marked fuzzy."""
    with po.open("rb") as f:
        catalog = read_po(f)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            missing.append(("(fuzzy) " if message.fuzzy else "") + " | ".join(ids))
    return missing


def _messages(po: Path) -> list[tuple]:
    """What a .po says, without its header dates and locations (to compare two of them)."""
    with po.open("rb") as f:
        catalog = read_po(f)
    return sorted((str(m.id), str(m.string), m.fuzzy) for m in catalog if m.id)


def _undated(content: bytes) -> bytes:
    return re.sub(rb'"POT-Creation-Date: [^"]*"', b"", content)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 unless complete and in sync")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    languages = sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").exists())
    if args.check:  # update copies in a scratch directory and compare
        with tempfile.TemporaryDirectory() as scratch:
            scratch_locale = Path(scratch) / "locale"
            shutil.copytree(LOCALE, scratch_locale)
            pybabel(extract_command(scratch_locale / POT.name))
            pybabel(update_command(scratch_locale / POT.name, scratch_locale))
            stale = [
                lang
                for lang in languages
                if _messages(scratch_locale / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
                != _messages(LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
            ]
            missing = {lang: untranslated(scratch_locale / lang / "LC_MESSAGES" / f"{DOMAIN}.po") for lang in languages}
        for lang in stale:
            print(f"{lang}: the .po is not in sync with the code: run `uv run python scripts/catalogue.py`")
    else:
        files = [POT, *(LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po" for lang in languages)]
        before = {path: path.read_bytes() for path in files if path.exists()}
        pybabel(extract_command(POT))
        pybabel(update_command(POT, LOCALE))
        for path, old in before.items():  # only a new creation date: keep the file as it was (no churn in git)
            if _undated(path.read_bytes()) == _undated(old):
                path.write_bytes(old)
        stale = []
        missing = {lang: untranslated(LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po") for lang in languages}
    for lang, msgids in missing.items():
        print(f"{lang}: {len(msgids)} msgid(s) to translate in {LOCALE / lang / 'LC_MESSAGES' / (DOMAIN + '.po')}")
        for msgid in msgids:
            print(f"  {msgid}")
    return 1 if stale or any(missing.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
