"""The Solara app for presenters: one run of the model, told live in a browser (``diffusionsim viz``).

Start it with ``diffusionsim viz [SCENARIO] [--present]`` or ``solara run diffusionsim.viz.app``. The page is the
app's own, not Mesa's SolaraViz: SolaraViz brought developer controls ("Use Threads", "Render Interval", a "Page 0"
tab, "Time: 50.0") that mean nothing to a room, and it re-renders the whole page on every step. Here a step:

1. runs ``model.step()`` under the session's lock;
2. sends each visible chart only what changed since it was last drawn (:func:`.figures.option_update`; the
   network's ties and labels are sent once per run), straight to its widget, without a re-render of the page;
3. bumps one counter that re-renders the small text parts (month, tiles, policy).

Playing waits for the browser to say it has drawn the last step before taking the next one, so a slow machine plays
slower instead of queueing redraws. Presentation mode (the switch in the header, or ``--present``) hides the
developer controls, sets all text to at least 18 px and fits the story on one 1920x1080 screen.
"""

# Solara components are named like classes (Page, NetworkPanel), as Solara and Mesa do.
# ruff: noqa: N802

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from html import escape

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # a presenter's laptop may be offline
os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")  # the "runs on Solara" banner overlapped a legend

import ipyvuetify  # noqa: E402
import solara  # noqa: E402
import solara.lab  # noqa: E402
import traitlets  # noqa: E402

from ..i18n import _  # noqa: E402
from .figures import (  # noqa: E402
    Option,
    big_numbers,
    default_innovation,
    innovation_names,
    month_label,
    option_update,
    views_for,
)
from .live import (  # noqa: E402
    AS_IN_SCENARIO,
    COMPENSATION,
    COOPERATION,
    FUND,
    PAYMENT,
    PRIVATE_SHARE,
    LiveModel,
    bundled_scenarios,
    describe_policy,
    initial_scenario,
    levers_in_use,
)

try:  # the banner setting is read when the server starts; the app may be imported after that
    import solara.server.settings as _server_settings

    _server_settings.theme.show_banner = False
except Exception:  # noqa: BLE001 - only cosmetic
    pass

TITLE = "diffusionsim: care innovations spreading through Dutch care"
PRESENT_ENV = "DIFFUSIONSIM_PRESENT"  # set by `diffusionsim viz --present`
PLAY_ENV = "DIFFUSIONSIM_PLAY_INTERVAL"  # ms between months when playing (the benchmark sets 0: as fast as drawn)
TIMING_LOG = os.environ.get("DIFFUSIONSIM_TIMING_LOG")  # where the benchmark asks for server-side step timings
DRAWN_TIMEOUT = 2.0  # s a played step waits at most for the browser to say it has drawn

# Play speeds: the least time between two months; the browser's own drawing time comes on top only if longer.
SPEEDS = {"fast: 10 months a second": 100, "normal: 4 months a second": 250, "slow: 1 month a second": 1000}

CHART_NAMES = ["adoption", "pilots", "money", "citizens", "staff"]
PRESENT_CHARTS = ["adoption", "pilots", "money", "citizens"]  # the staff chart's number is a tile there

# The innovation shown in the network view. Solara keeps a module-level reactive per browser session, so two
# presenters on one server each keep their own choice.
selected_innovation = solara.reactive("")

# Plain HTML rather than solara.Markdown: Markdown fetches KaTeX from a CDN, and the app must work offline.
EXPLAINER = """
<h3>What am I looking at?</h3>
<p>Each dot in the <b>network</b> is a care organisation (a hospital, a GP practice, a home-nursing team, ...),
grouped into the seven regional innovation ecosystems. Lines are the ties through which organisations hear about
innovations from peers. The colour is where the organisation stands with the innovation picked above the network:
<i>unaware</i>, <i>aware</i>, <i>piloting</i>, <i>implemented</i>, <i>scaled</i> to all its clients, or
<i>abandoned</i> after a pilot. Pale dots belong to sectors the innovation is not meant for.</p>
<p>The <b>charts</b> follow the whole country month by month: how far each innovation has spread, how many pilots
start and how many become regular care, who pays and who gains (net money per party), which citizens are reached
(low versus high socio-economic status) and how much staff time is freed. After <b>Reset</b>, the previous run stays
in every chart as a faint dotted line, and the tiles show the change against it.</p>
<p><b>Levers</b> (left): pick a scenario, change the payment model, co-financing, loss compensation, regional
cooperation or the random seed, then press <b>Reset</b>. <b>Step</b> advances one month; <b>&#9654;</b> plays.
A run is ten years (120 months) unless the scenario says otherwise.</p>
"""

CSS = """
.dsim-page { font-size: 15px; }
.dsim-page .v-select__selection { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 100%; }
.dsim-page .v-select__selections { flex-wrap: nowrap; min-width: 0; }
.dsim-grid { display: grid; gap: 12px; width: 100%; box-sizing: border-box; }
.dsim-dev { grid-template-columns: 340px minmax(0, 1fr); }
.dsim-levers { min-width: 0; overflow: hidden; align-self: start; justify-content: flex-start !important; }
.dsim-main { min-width: 0; display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
.dsim-tiles { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 10px; }
.dsim-tile { border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; min-width: 0; overflow: hidden; }
.dsim-tile .label { font-size: 14px; color: #555; }
.dsim-tile .value { font-size: 28px; font-weight: bold; line-height: 1.2; }
.dsim-tile .context, .dsim-tile .change { font-size: 13px; color: #555; }
.dsim-tile .change { color: #1a5fb4; }
.dsim-header { display: flex; align-items: center; gap: 16px; flex-wrap: wrap; }
.dsim-header h1 { font-size: 20px; margin: 0; }
.dsim-controls { display: flex; align-items: center; gap: 16px; }
.run-month { font-size: 20px; margin: 0; }
.dsim-present { font-size: 18px; height: 100vh; overflow: hidden; padding: 8px 16px; box-sizing: border-box;
  display: flex; flex-direction: column; gap: 8px; }
.dsim-present .dsim-header h1 { font-size: 24px; }
.dsim-present .run-month { font-size: 26px; }
.dsim-present .dsim-tile .label, .dsim-present .dsim-tile .context,
.dsim-present .dsim-tile .change { font-size: 18px; }
.dsim-present .dsim-tile .value { font-size: 40px; }
.dsim-present .v-btn, .dsim-present .v-label, .dsim-present .v-select__selection, .dsim-present .v-input,
.dsim-present .v-alert, .dsim-present .v-list-item__title { font-size: 18px !important; }
.dsim-present .dsim-story { flex: 1 1 auto; min-height: 0; display: grid; gap: 12px;
  grid-template-columns: minmax(0, 34fr) minmax(0, 33fr) minmax(0, 33fr);
  grid-template-rows: minmax(0, 1fr) minmax(0, 1fr); }
.dsim-present .dsim-story .dsim-network { grid-row: 1 / span 2; min-height: 0; }
.dsim-present .dsim-story > div { min-height: 0; min-width: 0; }
.dsim-present .lever-message { font-size: 18px; }
"""


class LiveChart(ipyvuetify.VuetifyTemplate):
    """An ECharts figure fed a full option once and then only updates (see chart.vue)."""

    template_file = (__file__, "chart.vue")

    attributes = traitlets.Dict(default_value=None, allow_none=True).tag(sync=True)
    option = traitlets.Any({}).tag(sync=True)
    update = traitlets.Any({}).tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    on_drawn = traitlets.Callable(None, allow_none=True)

    @traitlets.default("cdn")
    def _cdn(self):
        import solara.settings  # noqa: PLC0415 - as Solara's own EchartsWidget does

        if not solara.settings.assets.proxy:
            return solara.settings.assets.cdn

    def vue_drawn(self, seq):
        if self.on_drawn is not None:
            self.on_drawn(seq)


class Session:
    """One browser session's run: the model, the previous run (for ghosts and tiles), and the mounted charts."""

    def __init__(self, model: LiveModel) -> None:
        self.model = model
        self.previous: dict[str, list] | None = None
        self.lock = threading.RLock()
        self.charts: dict[str, tuple[LiveChart, Callable[[], Option]]] = {}
        self.shown: dict[str, Option] = {}  # per chart: the option it shows now
        self.seq = 0
        self.waiting_for = -1
        self.drawn = threading.Event()
        self.timings: list[tuple[str, float, float]] = []  # per chart: (name, build + diff s, send s); for timing
        self.label = month_label(model)  # the month the page shows: set with the charts' updates, so they agree

    def attach(self, name: str, widget: LiveChart, make: Callable[[], Option]) -> None:
        with self.lock:
            widget.on_drawn = self.on_drawn
            self.charts[name] = (widget, make)
            self.shown[name] = widget.option

    def detach(self, name: str, widget: LiveChart) -> None:
        with self.lock:
            if self.charts.get(name, (None,))[0] is widget:
                del self.charts[name]
                self.shown.pop(name, None)

    def on_drawn(self, seq: int) -> None:
        if seq >= self.waiting_for:
            self.drawn.set()

    def push(self) -> None:
        """Send every mounted chart what changed since it was last drawn; ask the last one to say when it is drawn."""
        with self.lock:
            self.seq += 1
            self.drawn.clear()
            self.waiting_for = self.seq
            names = list(self.charts)
            for i, name in enumerate(names):
                widget, make = self.charts[name]
                t0 = time.perf_counter()
                new = make()
                update = option_update(self.shown.get(name), new)
                self.shown[name] = new
                if i == len(names) - 1:
                    update = {**update, "__seq": self.seq}
                elif not update:
                    continue
                t1 = time.perf_counter()
                widget.update = update
                self.timings.append((name, t1 - t0, time.perf_counter() - t1))

    def advance(self) -> None:
        """The model's next month, not yet shown (playing computes it while the browser draws the last one)."""
        with self.lock:
            start = time.perf_counter()
            self.model.step()
            self.timings.append(("model.step", time.perf_counter() - start, 0.0))

    def publish(self) -> None:
        """Show the model's month: every chart gets its changes, and the label the header shows is set with them."""
        with self.lock:
            self.push()
            self.label = month_label(self.model)
        if TIMING_LOG:
            with open(TIMING_LOG, "a") as log:
                log.write(repr(self.timings) + "\n")
        self.timings.clear()

    def step(self) -> None:
        self.advance()
        self.publish()


def model_params() -> dict[str, dict]:
    """The levers; their keys are LiveModel's keyword arguments (Reset builds a new LiveModel from them)."""

    def select(label: str, values: list[str], value: str = AS_IN_SCENARIO) -> dict:
        return {"type": "Select", "value": value, "values": values, "label": label}

    return {
        "scenario_file": select(_("Scenario (bundled scenario files)"), bundled_scenarios(), initial_scenario()),
        "payment": select(_("Payment model (bekostiging)"), list(PAYMENT)),
        "private_share": select(
            _("Co-financing: private share of public grants (cofinanciering)"), list(PRIVATE_SHARE)
        ),
        "compensation": select(_("Loss compensation for providers (compensatie omzetderving)"), list(COMPENSATION)),
        "fund": select(_("Transition fund budget for loss compensation (transitiefonds)"), list(FUND)),
        "cooperation": select(_("Regional cooperation, all seven regions (regionale samenwerking)"), list(COOPERATION)),
        "seed": {"type": "InputText", "value": "", "label": _("Random seed (blank: the scenario's own)")},
    }


DEVELOPER_LEVERS = {"scenario_file", "seed"}  # hidden in presentation mode


def shown_innovation(model: LiveModel) -> str:
    """The innovation the network shows: the presenter's pick if this model has it, else the default."""
    chosen = selected_innovation.value
    return chosen if chosen in model.catalogue.ids else default_innovation(model)


def initial_present() -> bool:
    return os.environ.get(PRESENT_ENV, "").lower() in {"1", "true", "yes"}


def initial_interval() -> int:
    text = os.environ.get(PLAY_ENV, "")
    return int(text) if text.isdigit() else SPEEDS["normal: 4 months a second"]


@solara.component
def ChartView(session: Session, name: str, make: Callable[[], Option], height: str) -> None:
    """A chart fed by the session: built with the full option, then updated by Session.push only."""
    style = {"style": f"height: {height}; width: 100%;", "data-name": name}
    # The option is set on the widget, not passed as a prop: reacton walks every prop of every element on a render
    # looking for child elements, and a figure's option is thousands of nested lists.
    element = LiveChart.element(attributes=style)

    def attach():
        widget = solara.get_widget(element)
        widget.option = make()
        session.attach(name, widget, make)
        return lambda: session.detach(name, widget)

    solara.use_effect(attach, [session, make])
    return element


@solara.component
def Tiles(session: Session, tick: solara.Reactive[int]) -> None:
    """The big numbers; like every text part, re-rendered by the step counter `tick`, not with the whole page."""
    tick.value  # noqa: B018 - subscribes this component (only) to the step counter
    tiles = big_numbers(session.model, session.previous)
    html = "".join(
        f"<div class='dsim-tile' data-key='{t.key}'><div class='label'>{escape(t.label)}</div>"
        f"<div class='value'>{escape(t.text)}</div><div class='context'>{escape(t.context)}</div>"
        + (f"<div class='change'>{escape(t.change)}</div>" if t.change else "")
        + "</div>"
        for t in tiles
    )
    solara.HTML(tag="div", unsafe_innerHTML=html, classes=["dsim-tiles"])


@solara.component
def RunPanel(session: Session, tick: solara.Reactive[int]) -> None:
    """Scenario and the policy in effect, with any refused lever combination in red."""
    tick.value  # noqa: B018 - subscribes this component (only) to the step counter
    model = session.model
    meta = model.settings.meta
    rows = "".join(f"<tr><td>{escape(k)}</td><td><b>{escape(v)}</b></td></tr>" for k, v in describe_policy(model))
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<p><b>{escape(_('Scenario'))}:</b> {escape(meta.name)}: {escape(meta.description)}</p>"
        f"<table class='run-policy'><tr><th colspan='2' style='text-align:left'>{escape(_('Policy in this run'))}"
        f"</th></tr>{rows}</table>",
    )


@solara.component
def RunControls(
    session: Session,
    tick: solara.Reactive[int],
    playing: solara.Reactive[bool],
    on_reset: Callable[[], None],
    on_step: Callable[[], None],
) -> None:
    """The month shown and the buttons; re-rendered per step without the rest of the page."""
    tick.value  # noqa: B018 - subscribes this component (only) to the step counter
    model = session.model
    ended = model.month >= model.months
    with solara.Div(classes=["dsim-controls"]):
        solara.HTML(tag="h2", unsafe_innerHTML=escape(session.label), classes=["run-month"])
        solara.Button(_("Reset"), color="primary", on_click=on_reset)
        solara.Button(
            "❚❚ " + _("Pause") if playing.value else "▶ " + _("Play"),
            color="primary",
            on_click=lambda: playing.set(not playing.value),
            disabled=ended,
        )
        solara.Button(_("Step"), color="primary", on_click=on_step, disabled=playing.value or ended)


@solara.component
def Page() -> None:
    """One model per browser session, built from the scenario `diffusionsim viz` was given (default: the demo)."""
    session = solara.use_memo(lambda: Session(LiveModel(scenario_file=initial_scenario())), [])
    params = model_params()
    levers = solara.use_reactive({k: p["value"] for k, p in params.items()})
    present = solara.use_reactive(initial_present())
    show_levers = solara.use_reactive(False)
    playing = solara.use_reactive(False)
    interval = solara.use_reactive(initial_interval())
    # Bumped per step. A free-standing reactive, not use_reactive: that would be the page's own state, and setting
    # it would re-render the whole page (and walk every chart's option) on every step.
    tick = solara.use_memo(lambda: solara.reactive(0), [])
    run = solara.use_reactive(0)  # bumped per Reset: rebuilds the charts with a full option
    message = solara.use_reactive(session.model.lever_message)
    model = session.model
    current = shown_innovation(model)

    def do_step() -> None:
        session.step()
        tick.set(tick.value + 1)

    def play_loop() -> None:
        """Each month is computed while the browser still draws the one before, and shown once that is drawn."""
        start = time.perf_counter()
        model = session.model  # a Reset while playing stops this loop; it never steps the new model
        while playing.value and session.model is model and model.running and model.month < model.months:
            session.advance()
            session.drawn.wait(DRAWN_TIMEOUT)
            time.sleep(max(0.0, interval.value / 1000 - (time.perf_counter() - start)))
            start = time.perf_counter()
            session.publish()
            tick.set(tick.value + 1)
        playing.set(False)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def do_reset() -> None:
        playing.set(False)
        with session.lock:
            old = session.model
            session.previous = {k: list(v) for k, v in old.datacollector.model_vars.items()} if old.month else None
            new = LiveModel(**levers.value)
            session.model = new
            session.label = month_label(new)
        message.set(new.lever_message)
        if new.lever_message:  # the selectors show what the run actually uses, not the refused values
            levers.set({**levers.value, **levers_in_use(new)})
        run.set(run.value + 1)
        tick.set(tick.value + 1)

    def chart_maker(name: str) -> Callable[[], Option]:
        big = present.value
        chart = views_for(model).charts[name]
        highlight = current if name == "adoption" else None
        return lambda: chart.option(session.model, highlight=highlight, big=big, ghost=session.previous)

    def network_maker() -> Callable[[], Option]:
        big = present.value
        return lambda: views_for(session.model).network.option(current, big=big)

    makers = solara.use_memo(
        lambda: {"network": network_maker(), **{n: chart_maker(n) for n in CHART_NAMES}},
        [run.value, present.value, current],
    )

    solara.Style(CSS)
    solara.Title(TITLE)

    def header() -> None:
        with solara.Div(classes=["dsim-header"]):
            solara.HTML(tag="h1", unsafe_innerHTML=escape(_(TITLE)))
            RunControls(session, tick, playing, do_reset, do_step)
            solara.Switch(label=_("Presentation mode"), value=present, classes=["present-switch"])
            if present.value:
                solara.Button(
                    _("Hide levers") if show_levers.value else _("Levers"),
                    text=True,
                    on_click=lambda: show_levers.set(not show_levers.value),
                )

    def lever_controls(developer: bool) -> None:
        for key, p in params.items():
            if key in DEVELOPER_LEVERS and not developer:
                continue

            def set_value(value, key=key):
                levers.set({**levers.value, key: value})

            if p["type"] == "Select":
                solara.Select(label=p["label"], values=p["values"], value=levers.value[key], on_value=set_value)
            else:
                solara.InputText(label=p["label"], value=levers.value[key], on_value=set_value)
        if developer:
            names = list(SPEEDS)
            now = next((k for k, v in SPEEDS.items() if v == interval.value), names[1])
            solara.Select(
                label=_("Play speed"),
                values=names,
                value=now,
                on_value=lambda v: interval.set(SPEEDS[v]),
                classes=["play-speed"],
            )

    def network_panel(height: str) -> None:
        ids, names = model.catalogue.ids, innovation_names(model)

        def choose(name: str) -> None:
            selected_innovation.set(ids[names.index(name)])

        style = {"width": "100%", "height": "100%"} if present.value else {"width": "100%"}
        with solara.Column(gap="0px", style=style, classes=["dsim-network"]):
            solara.Select(
                label=_("Innovation shown in the network"),
                value=names[ids.index(current)],
                values=names,
                on_value=choose,
            )
            ChartView(session, "network", makers["network"], height).key(f"network-{run.value}-{present.value}")

    if present.value:
        with solara.Column(classes=["dsim-page", "dsim-present"], gap="8px"):
            header()
            if message.value:
                solara.Error(message.value, classes=["lever-message"])
            if show_levers.value:
                with solara.Div(classes=["dsim-tiles"]):
                    lever_controls(developer=False)
            Tiles(session, tick)
            with solara.Div(classes=["dsim-story"]):
                network_panel("calc(100% - 60px)")
                for name in PRESENT_CHARTS:
                    with solara.Div(style={"height": "100%"}):
                        ChartView(session, name, makers[name], "100%").key(f"{name}-{run.value}-present")
        return

    with solara.Column(classes=["dsim-page"], gap="8px", style={"padding": "8px 16px"}):
        header()
        Tiles(session, tick)
        with solara.Div(classes=["dsim-grid", "dsim-dev"]):
            with solara.Column(classes=["dsim-levers"], gap="0px"):
                solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Levers")))
                lever_controls(developer=True)
            with solara.Div(classes=["dsim-main"]):
                network_panel("420px")
                with solara.Column(style={"overflow-y": "auto", "max-height": "480px"}):
                    if message.value:
                        solara.Error(message.value, classes=["lever-message"])
                    RunPanel(session, tick)
                for name in CHART_NAMES:
                    ChartView(session, name, makers[name], "380px").key(f"{name}-{run.value}-dev")
                with solara.Column(style={"overflow-y": "auto", "max-height": "380px"}):
                    solara.HTML(tag="div", unsafe_innerHTML=EXPLAINER)


page = Page()
