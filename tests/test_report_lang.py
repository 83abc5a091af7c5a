"""Issue 13: `--lang nl` gives a Dutch report and a Dutch run summary: no English label left, Dutch number formats.

The catalogue itself (every text through it, every msgid translated) is checked in test_catalogue.py; here the
written report and the printed summary are read as a Dutch reader gets them.
"""

from __future__ import annotations

import html
import json
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from babel.messages.pofile import read_po

from diffusionsim.cli import main
from diffusionsim.experiments.differences import beyond_policy
from diffusionsim.i18n import catalogue_path
from diffusionsim.report.comparison import write_report
from tests.conftest import SCENARIOS as SCENARIOS_DIR
from tests.test_compare_report import REPLICATIONS, SCENARIOS, synthetic_result

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
WORD = re.compile(r"[^\W\d_]{2,}")
STRETCH = 30  # characters of a msgid looked for in the report


def english_stretches() -> dict[str, str]:
    """msgid -> the text of it that must not be in a Dutch report: for each msgid (and plural) of at least three words
    whose Dutch text differs from it, the first STRETCH characters of its longest stretch without placeholders."""
    with catalogue_path("nl").open("rb") as po:
        catalog = read_po(po, locale="nl")
    stretches = {}
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, dutch in zip(ids, strings, strict=False):
            if dutch == msgid or len(WORD.findall(PLACEHOLDER.sub(" ", msgid))) < 3:
                continue
            stretch = max(PLACEHOLDER.split(msgid), key=len).strip()[:STRETCH]
            if len(WORD.findall(stretch)) >= 2 and stretch not in dutch:
                stretches[msgid] = stretch
    return stretches


def readable(folder) -> dict[str, str]:
    """report.md and report.html as text a reader reads: code blocks (the manifest, the rerun command: data) left
    out, HTML tags removed and entities unescaped."""
    md = (folder / "report.md").read_text(encoding="utf-8")
    page = (folder / "report.html").read_text(encoding="utf-8")
    md = re.sub(r"```.*?```", " ", md, flags=re.S)
    page = re.sub(r"<style>.*?</style>|<pre>.*?</pre>", " ", page, flags=re.S)
    page = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return {"report.md": md, "report.html": page}


def left_in(texts: dict[str, str], stretches: dict[str, str]) -> list[str]:
    return [f"{name}: {stretch!r} (msgid {msgid!r})" for name, text in texts.items() for msgid, stretch in
            stretches.items() if stretch in text]  # fmt: skip


@pytest.fixture(scope="module")
def full_result() -> SimpleNamespace:
    """The synthetic comparison with what the plain one lacks, so every section is written: scenarios that differ
    in more than policy, a failed run and posterior draws."""
    result = synthetic_result()
    rng = np.random.default_rng(7)
    keys = [
        {"key": "policy.payment.regime", "kind": "policy"}
        | dict(zip(SCENARIOS, ("ffs", "shared", "ffs"), strict=True)),
        {"key": "scale.citizens", "kind": "scale"} | dict(zip(SCENARIOS, ("100", "200", "100"), strict=True)),
    ]
    result.manifest |= {
        "differences": {
            "descriptions": dict.fromkeys(SCENARIOS, ""),
            "keys": keys,
            "beyond_policy": beyond_policy(keys),
        },
        "posterior": {"file": "posterior.parquet", "sha256": "cd" * 32, "particles": 50, "warnings": []},
    }
    error = "Traceback (most recent call last):\nValueError: boom"
    result.failures = pd.DataFrame([{"scenario": SCENARIOS[2], "replication": 7, "seed": 1007, "error": error}])
    result.draws = pd.DataFrame(
        {"replication": range(REPLICATIONS), "seed": 1000 + np.arange(REPLICATIONS), "particle": range(REPLICATIONS)}
        | {"diffusion.q": rng.uniform(0.1, 0.5, REPLICATIONS)}
    )
    return result


@pytest.fixture(scope="module")
def reports(full_result, tmp_path_factory) -> dict[str, dict[str, str]]:
    """The same comparison written in English and in Dutch."""
    out = {}
    for lang in ("en", "nl"):
        folder = tmp_path_factory.mktemp(lang)
        write_report(full_result, folder, lang=lang)
        out[lang] = readable(folder)
    return out


def test_a_dutch_report_has_no_english_text_left(reports):
    stretches = english_stretches()
    in_english = left_in(reports["en"], stretches)
    assert len(in_english) > 40  # the check looks where the texts are: the English report is full of them
    assert not left_in(reports["nl"], stretches)
    dutch = reports["nl"]["report.md"]
    for heading in (
        "# Vergelijking van scenario's",
        "## Wie betaalt en wie profiteert",
        "## Bijlage: reproduceerbaarheid",
    ):
        assert heading in dutch
    assert "**Waarschuwing:** de scenario's verschillen in meer dan beleid: schaal (scale.citizens)" in dutch
    assert "Zorgverzekeraars (Zvw)" in dutch and "Health insurers" not in dutch


def test_a_dutch_report_writes_numbers_the_dutch_way(reports):
    md = reports["nl"]["report.md"]
    assert re.search(r"\d,\d%", md) and not re.search(r"\d\.\d%", md)  # 12,3% and never 12.3%
    assert re.search(r"[+-]\d+,\d %-punt \[[+-]\d+,\d %-punt; [+-]\d+,\d %-punt\]", md)  # intervals split by ";"
    assert re.search(r"\d \[-?\d+,\d+; -?\d+,\d+\]", md)
    assert re.search(r"\d,\d%", reports["en"]["report.md"]) is None and re.search(
        r"\d\.\d%", reports["en"]["report.md"]
    )


def test_run_prints_its_summary_in_dutch(demo_path, tmp_path, capsys):
    assert main(["run", str(demo_path), "--out", str(tmp_path), "--months", "12", "--lang", "nl"]) == 0
    printed = capsys.readouterr().out
    for dutch in ("Adoptie aan het eind van december 2027, na 1 jaar", "Pilots en personeelstijd", "Zorgverzekeraars"):
        assert dutch in printed
    for english in ("Adoption at the end", "Pilots and staff time", "pilots started", "Health insurers", "party type"):
        assert english not in printed
    assert re.search(r"\d,\d%", printed) and not re.search(r"\d\.\d%", printed)
    assert "wrote 5 files" in printed  # the command's own status line stays English


def test_compare_writes_a_dutch_report_and_records_the_language(tmp_path):
    out = tmp_path / "nl"
    args = [str(SCENARIOS_DIR / "demo.toml"), str(SCENARIOS_DIR / "bundled_payment.toml"), "-n", "2", "--months", "6"]
    assert main(["compare", *args, "--out", str(out), "--quiet", "--lang", "nl"]) == 0
    assert json.loads((out / "manifest.json").read_text())["lang"] == "nl"
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "**Waarschuwing:** de scenario's verschillen in meer dan beleid: schaal (" in md
    assert "## Wat verschilt tussen de scenario's" in md and "| scale.citizens | schaal |" in md
    assert "--lang nl" in md  # the rerun command in the appendix
    assert '<html lang="nl">' in (out / "report.html").read_text(encoding="utf-8")
    assert pd.read_csv(out / "summary.csv").columns[0] == "outcome"  # the tables keep their English column names


def test_the_language_is_checked_before_anything_runs(demo_path, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["run", str(demo_path), "--out", str(tmp_path), "--lang", "de"])
    assert "invalid choice: 'de'" in capsys.readouterr().err
