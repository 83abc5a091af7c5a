"""The `diffusionsim` command: run a scenario, or validate one without running it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import BaseModel
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from .i18n import LANGUAGES, language
from .scenario import Scenario, ScenarioError, load_scenario

EXIT_BAD_INPUT = 2


SET_HELP = (
    "override any scenario key by its dotted path, e.g. --set policy.cofinancing.private_share=0.2 or "
    "--set innovations.hospital_at_home.pilot_cost=40000; validated like the file; repeatable"
)


def port_number(text: str) -> int:
    """A TCP port, 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: allowed: a whole number from 0 to 65535") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port}: allowed: a whole number from 0 to 65535")
    return port


def positive_int(text: str) -> int:
    """A whole number of at least 1 (workers, processes)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: allowed: a whole number >= 1") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}: allowed: a whole number >= 1")
    return value


def check_out_dir(path: Path, flag: str = "--out") -> None:
    """Refuse, before any run, an output target that is a file or that cannot be created or written."""
    import os

    if path.exists() and not path.is_dir():
        raise ScenarioError(f"{flag} {path}: is a file; allowed: a directory, or a path where one can be created")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ScenarioError(f"{flag} {path}: {existing} is a file; allowed: a path where a directory can be created")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ScenarioError(f"{flag} {path}: {existing} is not writable; allowed: a writable directory")


def _add_where_options(parser: argparse.ArgumentParser) -> None:
    """Where the runs go: local processes, a Dask scheduler, or a Dask LocalCluster (one of them)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", "-w", type=positive_int, help="local worker processes (default: all cores; 1 = serial)"
    )
    where.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    where.add_argument("--dask-local", type=positive_int, metavar="N", help="start a Dask LocalCluster with N workers")


def _add_set_option(p: argparse.ArgumentParser, help: str = SET_HELP) -> None:  # noqa: A002 - argparse's name
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE", help=help)


def _add_lang_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--lang", choices=LANGUAGES, default="en", help=f"language of {what} (default en)")


def _add_scenario_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", type=Path, help="scenario file (TOML), e.g. scenarios/baseline.toml")
    _add_set_option(p)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diffusionsim",
        description="Agent-based simulation of how care innovations spread through Dutch care, "
        "and who pays and who gains.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run one scenario and write its results",
        description="Run one scenario: "
        "prints a summary and writes timeseries.csv, ledger_parties.csv, ledger_monthly.csv, "
        "adoption.png and manifest.json.",
    )
    _add_scenario_options(run)
    run.add_argument("--out", type=Path, help="output directory (default: results/<scenario name>/)")
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's simulation.seed)")
    run.add_argument("--months", type=int, help="months to simulate (default: the scenario's simulation.months)")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    _add_lang_option(run, "the printed summary and the figures")

    comp = sub.add_parser(
        "compare",
        help="compare scenarios over replications on common seeds and write a report",
        description="Run every scenario N times on the same seeds (common random numbers) and write report.html, "
        "report.md, PNG figures and the tidy tables behind them. Differences are against the first scenario.",
    )
    comp.add_argument("scenarios", nargs="+", type=Path, help="scenario files; the first is the reference")
    comp.add_argument("--replications", "-n", type=int, default=30, help="runs per scenario (default 30)")
    comp.add_argument("--workers", "-w", type=positive_int, help="worker processes (default: all cores)")
    comp.add_argument("--out", type=Path, default=Path("results") / "comparison", help="report directory")
    comp.add_argument("--seed", type=int, help="base seed of the replications (default: the first scenario's)")
    comp.add_argument("--months", type=int, help="months to simulate (default: each scenario's)")
    comp.add_argument(
        "--posterior",
        type=Path,
        metavar="DIR",
        help="a calibration directory (posterior.parquet): replication r of every scenario runs on the same draw "
        "from the posterior, set on top of each scenario's own values",
    )
    comp.add_argument(
        "--demo-scale",
        action="store_true",
        help="run every scenario at the demo's scale (its citizens, organisation clusters and network), keeping each "
        "scenario's policy, behaviour and catalogue: a quick look",
    )
    _add_set_option(comp, "override a key in every scenario, as in `run --set` (repeatable)")
    comp.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_lang_option(comp, "the report (report.html, report.md and the figures; the CSV tables keep English names)")

    sweep = sub.add_parser(
        "sweep",
        help="run a batch sweep (grid, Latin hypercube, Sobol, Morris) into a Parquet dataset",
        description="Run every design point x replication of a sweep file into OUT/runs/ (one Parquet part per "
        "run, written atomically), with OUT/design.csv, OUT/manifest.json and failures in OUT/failures/. "
        "Exit code 1 if any run failed.",
    )
    sweep.add_argument("sweep_file", type=Path, help="sweep file (TOML), e.g. scenarios/sweeps/cofinancing_grid.toml")
    sweep.add_argument("--out", type=Path, required=True, help="output directory")
    _add_where_options(sweep)
    sweep.add_argument("--resume", action="store_true", help="continue a sweep in OUT, skipping the stored runs")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")

    cal = sub.add_parser(
        "calibrate",
        help="Bayesian calibration (ABC-SMC, pyABC) of scenario keys to observed figures",
        description="Calibrate the parameters a calibration file names to the observations it marks for use, with "
        "pyABC's ABC-SMC. Writes OUT/abc.db, posterior.parquet, calibrated.toml, predictive.parquet, manifest.json and "
        "calibration.html. Run again with the same OUT to continue a stopped or killed calibration.",
    )
    cal.add_argument("config", type=Path, help="calibration file (TOML), e.g. scenarios/history/calibration.toml")
    cal.add_argument("--out", type=Path, required=True, help="output directory (holds the run to resume)")
    _add_where_options(cal)
    cal.add_argument("--quiet", action="store_true", help="no per-generation log")

    sens = sub.add_parser(
        "sensitivity",
        help="Sobol or Morris indices from a stored sweep",
        description="Sobol first-order and total indices (from a sobol design) or Morris mu* and sigma (from a "
        "morris design), with 95%% confidence intervals, as sensitivity.csv and sensitivity.png.",
    )
    sens.add_argument("sweep_dir", type=Path, help="a sweep output directory")
    sens.add_argument(
        "--outcome", action="append", required=True, help="outcome column, e.g. implemented_10y (repeatable)"
    )
    sens.add_argument("--method", choices=["sobol", "morris"], help="default: the sweep's design")
    sens.add_argument("--out", type=Path, help="default: SWEEP_DIR/sensitivity")

    validate = sub.add_parser(
        "validate",
        help="check a scenario file without running it",
        description="Validate a scenario (with any --set overrides) and exit 0 if it is valid, "
        "2 with a message naming the file, key, value and what is allowed if not.",
    )
    _add_scenario_options(validate)
    validate.add_argument("--explain", action="store_true", help="also list every key with its value, unit and source")

    viz = sub.add_parser(
        "viz",
        help="start the live visual run (a Solara app) in the browser",
        description="Start the presenter's app on localhost and print its address: the network of care organisations, "
        "live charts and policy levers. Same as `solara run diffusionsim.viz.app`.",
    )
    viz.add_argument("scenario", type=Path, nargs="?", help="scenario file to open with (default: scenarios/demo.toml)")
    viz.add_argument(
        "--present", action="store_true", help="open in presentation mode: big text, one screen, no developer controls"
    )
    viz.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    viz.add_argument("--port", type=port_number, default=8765, help="port (default 8765; 0 = any free port)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        commands = {
            "run": cmd_run,
            "compare": cmd_compare,
            "sweep": cmd_sweep,
            "sensitivity": cmd_sensitivity,
            "calibrate": cmd_calibrate,
            "validate": cmd_validate,
            "viz": cmd_viz,
        }
        return commands[args.command](args)
    except ScenarioError as exc:
        for line in str(exc).splitlines():
            print(f"diffusionsim: error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _overrides(args: argparse.Namespace) -> list[str]:
    extra = []
    if getattr(args, "seed", None) is not None:
        extra.append(f"simulation.seed={args.seed}")
    if getattr(args, "months", None) is not None:
        extra.append(f"simulation.months={args.months}")
    return [*args.overrides, *extra]


def cmd_run(args: argparse.Namespace) -> int:
    from .experiments.run import run_scenario, write_run
    from .observations import for_scenario
    from .report.summary import print_summary

    overrides = _overrides(args)
    scenario = load_scenario(args.scenario, overrides)  # fail fast, before any work
    for_scenario(scenario)  # ... and so does the record it names
    out = args.out or Path("results") / scenario.meta.name
    check_out_dir(out)
    console = Console(stderr=True, quiet=args.quiet)
    with Progress(
        TextColumn(f"[bold]{scenario.meta.name}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("months"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("run", total=scenario.simulation.months)
        result = run_scenario(args.scenario, overrides, progress=lambda m: bar.update(task, completed=m))
    with language(args.lang):  # the summary and the figures in the reader's language
        files = write_run(result, out)
        if not args.quiet:
            print_summary(result, Console())
    if not args.quiet:  # the command's own progress and status lines stay English: they are not the report
        print(f"wrote {len(files)} files to {out}/ in {result.manifest['run_seconds']:.1f} s of simulation")
    return 0


def runs_progress(quiet: bool) -> Progress:
    """A progress bar over runs with elapsed time and ETA, on stderr so the summary on stdout stays clean."""
    columns = [TextColumn("[bold]runs"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn()]
    return Progress(*columns, console=Console(stderr=True, quiet=quiet), transient=True)


def cmd_compare(args: argparse.Namespace) -> int:
    from .demo_scale import load_at_demo_scale
    from .experiments.compare import AllRunsFailedError, compare
    from .experiments.posterior import load_posterior
    from .experiments.sweep import MAX_REPLICATIONS
    from .report.comparison import write_report

    if not 1 <= args.replications <= MAX_REPLICATIONS:
        raise ScenarioError(
            f"--replications {args.replications}: allowed: a whole number from 1 to {MAX_REPLICATIONS:,}"
        )
    overrides = [*args.overrides, *(["simulation.months=" + str(args.months)] if args.months else [])]
    load = load_at_demo_scale if args.demo_scale else load_scenario
    for path in args.scenarios:  # fail fast on any bad file, before any run
        load(path, overrides)
    posterior = load_posterior(args.posterior) if args.posterior is not None else None
    check_out_dir(args.out)
    with runs_progress(args.quiet) as bar:
        task = bar.add_task("compare", total=len(args.scenarios) * args.replications)
        try:
            result = compare(
                args.scenarios,
                args.replications,
                args.workers,
                overrides,
                args.seed,
                progress=lambda done, total: bar.update(task, completed=done),
                posterior=posterior,
                warn=lambda line: print(f"diffusionsim: warning: {line}", file=sys.stderr),
                demo_scale=args.demo_scale,
            )
        except AllRunsFailedError as exc:
            print(f"diffusionsim: every run failed, nothing to report; the first error: {exc}", file=sys.stderr)
            return 1
    result.manifest["lang"] = args.lang  # the appendix's rerun command repeats it
    files = write_report(result, args.out, lang=args.lang)
    # The command's progress, warning and status lines stay English (they are not the report).
    if not args.quiet:
        drawn = " (one posterior draw each)" if posterior is not None else ""
        print(
            f"compared {len(result.scenarios)} scenarios x {args.replications} replications{drawn} on "
            f"{result.manifest['workers']} workers in {result.manifest['run_seconds']:.0f} s; "
            f"wrote {len(files)} files; open {args.out / 'report.html'}"
        )
    if len(result.failures):
        print(
            f"diffusionsim: {len(result.failures)} run(s) failed: see {args.out / 'failures.csv'} (scenario, "
            "replication, seed, traceback); the report leaves them out",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from .experiments.sweep import load_sweep, run_sweep

    load_sweep(args.sweep_file)  # fail fast on a bad sweep file
    check_out_dir(args.out)
    with runs_progress(args.quiet) as bar:
        task = bar.add_task("sweep", total=None)
        summary = run_sweep(
            args.sweep_file,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            dask_local=args.dask_local,
            resume=args.resume,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    print(
        f"sweep {args.sweep_file}: {summary.done} runs done, {summary.skipped} already stored, "
        f"{summary.failed} failed, in {summary.wall_seconds:.1f} s ({summary.runs_per_minute:.0f} runs per minute); "
        f"results in {args.out}/runs/"
    )
    if summary.failed:
        print(
            f"diffusionsim: {summary.failed} run(s) failed: see {args.out}/failures/ (parameters, seed, traceback)",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibration import calibrate, load_config

    config = load_config(args.config)  # fail fast on a bad file, before any cluster starts
    check_out_dir(args.out)
    console = Console(stderr=True, quiet=args.quiet)
    result = calibrate(
        config,
        args.out,
        progress=lambda line: console.print(line, markup=False, highlight=False),
        workers=args.workers,
        scheduler=args.scheduler,
        dask_local=args.dask_local,
    )
    m = result.manifest
    if not args.quiet:
        print(
            f"calibrated {len(result.posterior.columns) - 1} parameters in {m['generations']} generations "
            f"({m['simulations']} simulations, {m['wall_seconds']:.0f} s{', resumed' if result.resumed else ''}); "
            f"acceptance rate {m['acceptance_rates'][-1]:.3f}, ESS {m['ess'][-1]:.0f} in the last; "
            f"open {args.out / 'calibration.html'}"
        )
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from .experiments.sensitivity import SensitivityError, analyse, write_sensitivity

    try:
        table = analyse(args.sweep_dir, args.outcome, args.method)
        files = write_sensitivity(args.sweep_dir, args.outcome, args.out, args.method)
    except (SensitivityError, FileNotFoundError) as exc:
        raise ScenarioError(f"{args.sweep_dir}: {exc}") from None
    print(table.round(3).to_string(index=False))
    print(f"wrote {', '.join(str(f) for f in files)}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario, _overrides(args))
    print(
        f"{args.scenario}: valid scenario '{scenario.meta.name}': {len(scenario.sectors)} sectors, "
        f"{len(scenario.regions)} regions, {len(scenario.companies)} companies, "
        f"{len(scenario.innovations)} innovations, {scenario.simulation.months} months"
    )
    if args.explain:
        for line in explain(scenario):
            print(line)
    return 0


def explain(scenario: Scenario) -> list[str]:
    """Every scalar key of the scenario with its value, and the unit and source the schema gives it."""
    lines: list[str] = []

    def walk(model: BaseModel, prefix: str) -> None:
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            path = f"{prefix}{name}"
            extra = info.json_schema_extra or {}
            if isinstance(value, BaseModel):
                walk(value, path + ".")
            elif isinstance(value, dict) and value and all(isinstance(v, BaseModel) for v in value.values()):
                for key, item in value.items():
                    walk(item, f"{path}.{key}.")
            elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
                for i, item in enumerate(value):
                    walk(item, f"{path}.{getattr(item, 'id', None) or getattr(item, 'name', None) or i}.")
            else:
                unit = extra.get("unit", "")
                source = extra.get("source", "")
                lines.append(f"{path} = {value!r}" + (f"  [{unit}; {source}]" if unit or source else ""))

    walk(scenario, "")
    return lines


def cmd_viz(args: argparse.Namespace) -> int:
    """Validate the scenario first (a bad file fails here, readably), then become `solara run` on the app module.

    This process is replaced (exec), not made a parent: a stop signal then reaches the server itself, where a wrapper
    killed by SIGTERM would leave its server running.
    """
    import os

    if args.scenario is not None:
        load_scenario(args.scenario)
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    if args.scenario is not None:
        env["DIFFUSIONSIM_SCENARIO"] = str(args.scenario.resolve())
    env["SOLARA_THEME_SHOW_BANNER"] = "False"  # Solara's banner overlapped a legend
    if getattr(args, "present", False):
        env["DIFFUSIONSIM_PRESENT"] = "1"
    cmd = [sys.executable, "-m", "solara", "run", "diffusionsim.viz.app", "--host", args.host]
    cmd += ["--port", str(args.port), "--no-open", "--production"]
    if args.port:
        print(f"diffusionsim viz: open http://{args.host}:{args.port}/ in a browser (Ctrl+C stops the app)", flush=True)
    os.execve(sys.executable, cmd, env)
    return 0  # not reached: the process is now the Solara server


if __name__ == "__main__":
    sys.exit(main())
