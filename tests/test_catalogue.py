"""Every text of the report goes through the message catalogue, and the Dutch catalogue is complete and in sync.

(a) Python, an AST scan of every module under ``src/diffusionsim/report/`` (the comparison report, the run's summary
and record, the run's figure). A string is *text* when

1. it is a ``str`` constant that holds two words (runs of at least two letters) with white space between them, after
   its ``{placeholders}`` are removed ("Who pays", "EUR million (+ gains, - pays)"); or
2. it is a one-word ``str`` constant passed straight to a call that shows it (``DISPLAY_ARGS``: a rich table's
   ``add_column``/``add_row``, matplotlib's titles and axis labels, the report's ``Text``/``Section``/``Figure``)
   or as a ``title=``, ``caption=``, ``header=``, ``alt=`` or ``label=`` keyword; or
3. it is an f-string whose literal parts hold a word (at least two letters) and white space (``f"{n} runs"``, not
   ``f"{name}_low"``, a column name): gettext needs the whole sentence as its msgid, so write
   ``_("... {name} ...").format(name=...)`` instead.

A text is fine when it is a msgid: the first argument of ``_`` or ``N_``, or one of the first two of ``ngettext``
(a literal ``str``, never an f-string). Not text, and not scanned: docstrings (the first statement of a module, class
or function), and the values of keywords that libraries read as options (``NON_TEXT_KEYWORDS``: ``loc="upper
left"``, ``justify``, ``fmt``...). Column names, file names and format specs have no space, so rule 1 passes them;
the CSS is in ``templates/report.css``, not in Python. Every other text is a violation, reported as
``path:line: text``; ``ALLOWED`` lists the few exceptions, each with its reason.

(b) The catalogue: Babel's extraction over ``src`` (babel.cfg's method map, the keywords ``_``, ``N_`` and
``ngettext``) gives the msgids; each has a non-empty, non-fuzzy Dutch translation with the same ``{placeholders}``
(a plural: both forms), and the .po holds nothing else (no obsolete entries: ``scripts/catalogue.py`` removes them).

(c) The Jinja2 templates: with comments, tags and expressions removed, no words are left; a template's own words are
inside ``{{ _("...") }}``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from diffusionsim.i18n import catalogue_path
from tests.conftest import ROOT

SRC = ROOT / "src"
REPORT = SRC / "diffusionsim" / "report"
TEMPLATES = sorted(REPORT.glob("**/templates/*.j2"))

WORD = r"[^\W\d_]{2,}"  # a run of at least two letters (any alphabet)
TWO_WORDS = re.compile(rf"{WORD}\W*\s\W*{WORD}")  # two words with white space (and punctuation) between them
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
MSGID_ARGS = {"_": 1, "N_": 1, "ngettext": 2}  # how many leading arguments of each are msgids
# Calls that show their arguments (positions; None: every positional argument) and keywords that are shown.
DISPLAY_ARGS: dict[str, tuple[int, ...] | None] = {
    "add_column": (0,),
    "add_row": None,
    "set_title": (0,),
    "set_xlabel": (0,),
    "set_ylabel": (0,),
    "suptitle": (0,),
    "Text": (0,),
    "Items": None,
    "Section": (1,),
    "Figure": (1,),
}
DISPLAY_KEYWORDS = {"title", "caption", "header", "alt", "label"}
NON_TEXT_KEYWORDS = {"loc", "justify", "fmt", "style", "orient", "engine", "how", "encoding", "tone", "id"}
# (file relative to src/diffusionsim/report, text) -> why it is not for the catalogue.
ALLOWED: dict[tuple[str, str], str] = {
    ("comparison/figures.py", "This process .* is multi-threaded"): (
        "a regular expression matching Python's own fork warning, not a text shown to anyone"
    ),
    ("comparison/figures.py", "_draw_in_worker runs in a pool started with _start_drawing"): (
        "an assertion for developers about the code's own invariant, never shown in a report"
    ),
    ("comparison/sections/appendix.py", "diffusionsim compare {} -n {} --seed {} {}"): (
        "the command line that reruns the comparison: the same in every language"
    ),
    ("comparison/sections/appendix.py", " --lang {}"): "an option of that command line",
    ("comparison/sections/appendix.py", "--set {}"): "an option of that command line",
    ("comparison/sections/appendix.py", " --posterior {}"): "an option of that command line",
    ("comparison/calibration_uncertainty.py", "model noise"): (
        "a code in uncertainty_table's `dominates` column (data, read by code); shown through VERDICTS"
    ),
    ("comparison/calibration_uncertainty.py", "no spread"): (
        "a code in uncertainty_table's `dominates` column (data, read by code); shown through REASONS"
    ),
    ("comparison/calibration_uncertainty.py", "too few replications with a value"): (
        "a code in uncertainty_table's `dominates` column (data, read by code); shown through REASONS"
    ),
    ("comparison/calibration_uncertainty.py", "distinct draws"): (
        "a column name of range_table (data, read by code); the calibration section renames it with _()"
    ),
    ("comparison/sections/calibration.py", "distinct draws"): "that column name, as the key of its renaming",
}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_text(value: str) -> bool:
    return bool(TWO_WORDS.search(PLACEHOLDER.sub(" ", value)))


def _fstring_template(node: ast.JoinedStr) -> str:
    """The f-string with each replacement field as {}."""
    return "".join(
        part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "{}" for part in node.values
    )


def _skipped(tree: ast.Module) -> tuple[set[int], set[int]]:
    """ids of the nodes not scanned as text: (msgids and option values, one-word strings a display call shows)."""
    skip: set[int] = set()
    shown: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))  # the docstring
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in MSGID_ARGS:
            skip |= {
                id(arg)
                for arg in node.args[: MSGID_ARGS[name]]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            }
        if name in DISPLAY_ARGS:
            positions = DISPLAY_ARGS[name]
            shown |= {id(arg) for i, arg in enumerate(node.args) if positions is None or i in positions}
        for keyword in node.keywords:
            if keyword.arg in NON_TEXT_KEYWORDS:
                skip.add(id(keyword.value))
            elif keyword.arg in DISPLAY_KEYWORDS:
                shown.add(id(keyword.value))
    return skip, shown


def violations(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every text in `path` that does not go through the catalogue (the rule: the module docstring)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip, shown = _skipped(tree)
    inside_fstring = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            template = _fstring_template(node)
            literal = PLACEHOLDER.sub("", template)
            if re.search(WORD, literal) and re.search(r"\s", literal):
                yield node.lineno, template
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in skip or id(node) in inside_fstring:
                continue
            if _is_text(node.value) or (id(node) in shown and re.search(WORD, node.value)):
                yield node.lineno, node.value


def test_the_scan_finds_what_it_should(tmp_path):
    """The rule on a module made to break it, so a scan that finds nothing is not a scan that looks at nothing."""
    module = tmp_path / "sample.py"
    module.write_text(
        '"""A docstring is not text."""\n'
        "from diffusionsim.i18n import N_, _, ngettext\n"
        'LABELS = {"a": N_("Pilots started"), "b": "Pilots abandoned"}\n'
        "def f(n, table, ax):\n"
        '    """Nor is this one."""\n'
        '    table.add_column("innovation")\n'
        '    ax.legend(loc="upper left")\n'
        '    ax.set_xlabel(_("year"))\n'
        '    words = ngettext("{n} run failed", "{n} runs failed", n).format(n=n)\n'
        '    return f"{n} runs" + "scenario_name" + "report.html" + _("{a} vs {b}").format(a="x", b="y")\n',
        encoding="utf-8",
    )
    assert [text for _line, text in violations(module)] == ["Pilots abandoned", "innovation", "{} runs"]


def test_every_report_text_goes_through_the_catalogue():
    found, allowed_used = [], set()
    for path in sorted(REPORT.rglob("*.py")):
        relative = path.relative_to(REPORT).as_posix()
        for line, text in violations(path):
            if (relative, text) in ALLOWED:
                allowed_used.add((relative, text))
            else:
                found.append(f"src/diffusionsim/report/{relative}:{line}: {text!r}")
    assert not found, "texts outside _(), N_() or ngettext():\n" + "\n".join(found)
    assert allowed_used == set(ALLOWED), f"allow-list entries no longer needed: {set(ALLOWED) - allowed_used}"


def extraction() -> list[tuple[str, tuple[str, ...]]]:
    """(file, msgid forms) of every text Babel extracts over src with babel.cfg's method map."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = DEFAULT_KEYWORDS | {"N_": None, "ngettext": (1, 2)}
    found = []
    for file, _line, message, _comments, _context in extract_from_dir(
        str(SRC), method_map, options_map, keywords=keywords
    ):
        found.append((file, message if isinstance(message, tuple) else (message,)))
    return found


def extracted() -> dict[str, tuple[str, ...]]:
    """msgid (the singular of a plural) -> all its msgid forms."""
    return {forms[0]: forms for _file, forms in extraction()}


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def catalogue():
    with catalogue_path("nl").open("rb") as po:
        return read_po(po, locale="nl")


def test_extraction_finds_the_report():
    """babel.cfg's patterns match the tree (a wrong pattern extracts nothing, and nothing would be checked)."""
    files = {Path(file) for file, _forms in extraction()}
    assert Path("diffusionsim/report/summary.py") in files  # a module's texts
    assert {f for f in files if f.suffix == ".j2"} == {p.relative_to(SRC) for p in TEMPLATES}  # every template's


def test_every_msgid_has_a_dutch_translation(catalogue):
    missing = []
    for msgid, forms in extracted().items():
        entry = catalogue.get(msgid)
        strings = () if entry is None else entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry is None or entry.fuzzy or not all(strings) or len(strings) != len(forms):
            missing.append(msgid)
    assert not missing, "untranslated or fuzzy in nl (run `uv run python scripts/catalogue.py`):\n" + "\n".join(missing)


def test_catalogue_has_no_obsolete_entries(catalogue):
    used = set(extracted())
    stale = [m.id for m in catalogue if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in used]
    assert not stale and not catalogue.obsolete, f"entries the code no longer uses: {stale + list(catalogue.obsolete)}"


def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for form, text in enumerate(strings):
            source = ids[min(form, len(ids) - 1)]  # form 0 translates the singular, the others the plural
            if text and _placeholders(text) != _placeholders(source):
                wrong.append(f"{source!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def template_words(source: str) -> list[str]:
    """Words left in a template once its comments, tags ({% %}), expressions ({{ }}) and HTML markup are removed."""
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<!DOCTYPE[^>]*>|<[^>]*>", " ", text, flags=re.S)
    return re.findall(WORD, text)


def test_template_scan_finds_bare_words():
    assert template_words('<p>{{ _("Warning:") }} {{ warning }}</p>{# note #}') == []
    assert template_words("<strong>Contents:</strong> {{ x }}") == ["Contents"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_template_words_go_through_the_catalogue(template):
    assert not template_words(template.read_text(encoding="utf-8"))
