"""Writing a comparison's report folder: figures, tables, manifest, report.md and a self-contained report.html."""

from __future__ import annotations

import json
from pathlib import Path

from ...i18n import language
from . import calibration_uncertainty as cu
from .context import Context
from .figures import write_figures
from .render import to_html, to_markdown
from .sections import build_report
from .tables import ComparisonLike


def write_report(result: ComparisonLike, out_dir: str | Path, lang: str = "en") -> list[Path]:
    """Write the report folder in `lang` (en or nl); return the files written. The CSV tables keep their column
    names in English (they are data, read by code); labels in them follow `lang`."""
    out = Path(out_dir)
    with language(lang):
        out.mkdir(parents=True, exist_ok=True)
        figures = write_figures(result, out)
        ctx = Context.of(result, figures)
        tables = {"summary.csv": ctx.summary, "money.csv": ctx.money, "outcomes.csv": result.outcomes}
        tables["budget.csv"], tables["break_even.csv"] = ctx.budget, ctx.break_even
        failures = getattr(result, "failures", None)
        if failures is not None and len(failures):
            tables["failures.csv"] = failures
        draws = cu.draws_of(result)
        if draws is not None:
            tables["posterior_draws.csv"] = draws
        for name, table in tables.items():
            table.to_csv(out / name, index=False)
        result.timeseries.to_parquet(out / "timeseries.parquet", engine="pyarrow", index=False)
        manifest = json.dumps(result.manifest, indent=2, default=str) + "\n"
        (out / "manifest.json").write_text(manifest, encoding="utf-8")
        report = build_report(ctx)
        (out / "report.md").write_text(to_markdown(report), encoding="utf-8")
        (out / "report.html").write_text(to_html(report, out), encoding="utf-8")
    names = [*figures.values(), *tables, "timeseries.parquet", "manifest.json", "report.md", "report.html"]
    return [out / name for name in names]
