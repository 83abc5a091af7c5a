"""Bad scenario input: exit code 2 and one message naming the file, the key path, the value and what is allowed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from diffusionsim.cli import main

BAD = Path(__file__).parent / "bad_scenarios"

# file -> (key path, value as printed, a fragment of what is allowed)
CASES = {
    "unknown_key.toml": ("behaviour.pilot_rat", "0.1", "pilot_rate"),
    "wrong_type.toml": ("simulation.months", "'ten years'", "integer"),
    "out_of_range.toml": ("policy.cofinancing.private_share", "1.4", "<= 1.0"),
    "negative_population.toml": ("scale.citizens", "-100", ">= 1"),
    "empty_catalogue.toml": ("innovations", "[]", "at least 1"),
    "unknown_sector.toml": ("sectors.dentist", "'dentist'", "'hospital'"),
    "missing_reference.toml": ("innovations.0.owner", "'ghost_company'", "company ids"),
    "bad_kind.toml": ("innovations.0.kind", "'magic'", "'social'"),
    "duplicate_company.toml": ("companies.1.id", "'twin'", "not used before"),
    "bad_intensity.toml": ("regions.0.cooperation", "'extreme'", "'middle'"),
    "zero_horizon.toml": ("financiers.insurer.horizon_months", "0", ">= 1"),
    "eligible_without_substitution.toml": ("innovations.0.eligible_among", "'substituted'", "'target'"),
    "missing_base.toml": ("extends", "'no_such_base.toml'", "existing scenario file"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_gives_one_clear_message(name, capsys):
    key, value, allowed = CASES[name]
    assert main(["validate", str(BAD / name)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("diffusionsim: error:") == 1
    assert f"{name}: {key} = {value}: " in err and "allowed" in err and allowed in err  # FILE: key = value: allowed
    assert err.count("\n") == 1  # one line
    assert "Traceback" not in err


def test_malformed_toml_names_file_and_position(capsys):
    assert main(["validate", str(BAD / "malformed.toml")]) == 2
    err = capsys.readouterr().err
    assert "malformed.toml" in err and "malformed TOML" in err and "line 2" in err


def test_bad_override_is_validated_like_the_file(demo_path, capsys):
    assert main(["run", str(demo_path), "--set", "policy.cofinancing.private_share=2", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "policy.cofinancing.private_share = 2: allowed: a number <= 1.0" in err
    assert main(["validate", str(demo_path), "--set", "diffusion.r=0.1"]) == 2
    assert "diffusion.r = 0.1: unknown key" in capsys.readouterr().err
    assert main(["validate", str(demo_path), "--set", "innovations.nope.pilot_cost=1"]) == 2
    assert "no item 'nope'" in capsys.readouterr().err


def test_bad_run_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(BAD / "out_of_range.toml"), "--out", str(out)]) == 2
    assert not out.exists()


def test_console_script_prints_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "diffusionsim.cli", "validate", str(BAD / "bad_kind.toml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "innovations.0.kind" in proc.stderr
