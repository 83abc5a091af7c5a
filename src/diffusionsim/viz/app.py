"""The Solara app for presenters: one run of the model, told live in a browser (``diffusionsim viz``).

Start it with ``diffusionsim viz [SCENARIO]`` or ``solara run diffusionsim.viz.app``. It is Mesa's SolaraViz
(step, play/pause, reset, play interval as the speed) around :class:`~diffusionsim.viz.live.LiveModel`, whose
keyword arguments are the levers in the sidebar. The network and the charts are ECharts figures built by
:mod:`diffusionsim.viz.figures`, drawn by the browser, so a redraw stays cheap.
"""

# Solara components are named like classes (Page, NetworkPanel), as Solara and Mesa do.
# ruff: noqa: N802

from __future__ import annotations

import os
from collections.abc import Callable
from html import escape

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # a presenter's laptop may be offline

import solara  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402
from solara.components.echarts import EchartsWidget  # noqa: E402

from .figures import default_innovation, innovation_names, views_for  # noqa: E402
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
)

TITLE = "diffusionsim: care innovations spreading through Dutch care"
FIGURE_STYLE = {"style": "height: 370px; width: 100%;"}
NETWORK_STYLE = {"style": "height: 330px; width: 100%;"}

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
(low versus high socio-economic status) and how much staff time is freed.</p>
<p><b>Levers</b> (left): pick a scenario, change the payment model, co-financing, loss compensation, regional
cooperation or the random seed, then press <b>Reset</b>. <b>Step</b> advances one month; <b>&#9654;</b> plays, and
the play interval sets the speed. A run is ten years (120 months) unless the scenario says otherwise.</p>
"""


def model_params() -> dict[str, dict]:
    """The levers in the sidebar; their keys are LiveModel's keyword arguments (SolaraViz passes them on Reset)."""

    def select(label: str, values: list[str], value: str = AS_IN_SCENARIO) -> dict:
        return {"type": "Select", "value": value, "values": values, "label": label}

    return {
        "scenario_file": select("Scenario (bundled scenario files)", bundled_scenarios(), initial_scenario()),
        "payment": select("Payment model (bekostiging)", list(PAYMENT)),
        "private_share": select("Co-financing: private share of public grants (cofinanciering)", list(PRIVATE_SHARE)),
        "compensation": select("Loss compensation for providers (compensatie omzetderving)", list(COMPENSATION)),
        "fund": select("Transition fund budget for loss compensation (transitiefonds)", list(FUND)),
        "cooperation": select("Regional cooperation, all seven regions (regionale samenwerking)", list(COOPERATION)),
        "seed": {"type": "InputText", "value": "", "label": "Random seed (blank: the scenario's own)"},
    }


def shown_innovation(model: LiveModel) -> str:
    """The innovation the network shows: the presenter's pick if this model has it, else the default."""
    chosen = selected_innovation.value
    return chosen if chosen in model.catalogue.ids else default_innovation(model)


@solara.component
def LiveEcharts(make_option: Callable[[], dict], dependencies: list, attributes: dict) -> None:
    """An ECharts figure whose option is set on the widget directly, when `dependencies` change.

    Why not ``solara.FigureEcharts(option=...)``: reacton walks every prop of every element on each render looking
    for child elements, and a network option holds thousands of nested lists; that walk alone took ~200 ms per
    step. Set on the widget, the option goes straight to the browser as JSON.
    """
    element = EchartsWidget.element(attributes=attributes, responsive=True)

    def push() -> None:
        solara.get_widget(element).option = make_option()

    solara.use_effect(push, dependencies)
    return element


@solara.component
def NetworkPanel(model: LiveModel) -> None:
    """The network of care organisations by region, coloured by stage for the innovation picked above it."""
    update_counter.get()
    ids, names = model.catalogue.ids, innovation_names(model)
    current = shown_innovation(model)

    def choose(name: str) -> None:
        selected_innovation.set(ids[names.index(name)])

    with solara.Column(gap="0px", style={"width": "100%"}):
        solara.Select(
            label="Innovation shown in the network", value=names[ids.index(current)], values=names, on_value=choose
        )
        LiveEcharts(lambda: views_for(model).network.option(current), [model, model.month, current], NETWORK_STYLE)


def chart_component(name: str):
    """A SolaraViz component (a function of the model) drawing one of the live charts."""

    @solara.component
    def Chart(model: LiveModel) -> None:
        update_counter.get()
        highlight = shown_innovation(model) if name == "adoption" else None
        chart = views_for(model).charts[name]
        LiveEcharts(lambda: chart.option(model, highlight=highlight), [model, model.month, highlight], FIGURE_STYLE)

    Chart.__name__ = f"{name.title()}Chart"
    return Chart


@solara.component
def RunPanel(model: LiveModel) -> None:
    """Which run this is: scenario, month and the policy in effect, with any refused lever combination in red."""
    update_counter.get()
    meta = model.settings.meta
    with solara.Column(style={"width": "100%", "overflow-y": "auto", "max-height": "380px"}):
        if model.lever_message:
            solara.Error(model.lever_message, classes=["lever-message"])
        rows = "".join(f"<tr><td>{escape(k)}</td><td><b>{escape(v)}</b></td></tr>" for k, v in describe_policy(model))
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<h3 class='run-month'>{model.date}: Month {model.month} of {model.months}</h3>"
            f"<p><b>Scenario:</b> {escape(meta.name)}: {escape(meta.description)}</p>"
            f"<table class='run-policy'><tr><th colspan='2' style='text-align:left'>Policy in this run</th></tr>"
            f"{rows}</table>",
        )


@solara.component
def Explainer(model: LiveModel) -> None:
    """The 'what am I looking at' panel."""
    with solara.Column(style={"width": "100%", "overflow-y": "auto", "max-height": "380px"}):
        solara.HTML(tag="div", unsafe_innerHTML=EXPLAINER)


COMPONENTS = [
    NetworkPanel,
    RunPanel,
    chart_component("adoption"),
    chart_component("pilots"),
    chart_component("money"),
    chart_component("citizens"),
    chart_component("staff"),
    Explainer,
]


@solara.component
def Page() -> None:
    """One model per browser session, built from the scenario `diffusionsim viz` was given (default: the demo)."""
    model = solara.use_memo(lambda: LiveModel(scenario_file=initial_scenario()), [])
    SolaraViz(
        model,
        components=list(COMPONENTS),
        model_params=model_params(),
        name=TITLE,
        play_interval=150,
    )


page = Page()
