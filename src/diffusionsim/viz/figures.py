"""The live app's figures, as ECharts options: the network of care organisations and the live charts.

Why ECharts rather than matplotlib: one step plus redraw should take at most 100 ms in the browser (issue 14),
and rendering six matplotlib figures to PNG on the server takes several hundred milliseconds on a modest machine.
An ECharts option is plain data the browser draws itself (Solara ships ECharts 5.4 in solara-assets, so it works
offline), and building all of them takes a few milliseconds. What stays fixed for a model (the network layout and
its ties) is computed once per model and kept in :func:`views_for`; a redraw only regroups the organisations by
stage and reads the DataCollector's columns, and :func:`option_update` cuts what is sent to the changed parts.
"""

from __future__ import annotations

import textwrap
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..i18n import _
from ..ledger import PARTY_TYPES
from ..model import DiffusionModel
from ..scenario import SECTORS
from ..stages import Stage

Option = dict[str, Any]

STAGE_COLOURS = {
    Stage.UNAWARE: "#bdbdbd",
    Stage.AWARE: "#6baed6",
    Stage.PILOTING: "#fd8d3c",
    Stage.IMPLEMENTED: "#74c476",
    Stage.SCALED: "#00441b",
    Stage.ABANDONED: "#de2d26",
    Stage.STOPPED: "#756bb1",
}
OFF_TARGET = "other sector (not a target)"
OFF_TARGET_COLOUR = "#eeeeee"  # organisations outside the selected innovation's target sector

PARTY_LABELS = {
    "outside": "outside world",
    "provider": "care providers",
    "insurer": "health insurers (Zvw)",
    "care_office": "care offices (Wlz, zorgkantoren)",
    "municipality": "municipalities (Wmo, gemeenten)",
    "public_fund": "public funds",
    "regional_fund": "regional funds",
    "investor": "investors",
    "company": "companies",
    "citizen": "citizens",
}
SECTOR_LABELS = {
    "hospital": "hospitals",
    "gp": "GP practices (huisartsen)",
    "home_nursing": "home nursing (wijkverpleging)",
    "elderly_care": "elderly care (ouderenzorg)",
    "disability_care": "disability care (gehandicaptenzorg)",
    "mental_health": "mental health care (ggz)",
    "municipal_social_care": "municipal social care (Wmo)",
}
PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#ad494a", "#8ca252", "#7b4173", "#e7ba52", "#3182bd",
]  # fmt: skip

MAX_EDGES = 3000  # above this, draw a fixed sample of the ties: the picture is the same, the payload smaller


def innovation_names(model: DiffusionModel) -> list[str]:
    """Display names of the innovations, in catalogue order (the id where the scenario gives no name)."""
    return [inn.name or inn.id for inn in model.settings.innovations]


def short_names(model: DiffusionModel) -> list[str]:
    """Short labels for legends: the ids in words ("hospital at home"); the full names are long."""
    return [iid.replace("_", " ") for iid in model.catalogue.ids]


def month_label(model: DiffusionModel) -> str:
    """The one way the app says which month it shows (header, network title and tiles all use it)."""
    return _("{date}: month {month} of {months}").format(date=model.date, month=model.month, months=model.months)


def default_innovation(model: DiffusionModel) -> str:
    """The innovation shown first: the one with the most target organisations, so the network has most to show."""
    return model.catalogue.ids[int(np.argmax(model.relevant.sum(axis=0)))]


# ---------------------------------------------------------------------------------------------- network


def region_centres(n_regions: int) -> np.ndarray:
    """The regions on a circle, the first at the top, going clockwise."""
    angles = np.pi / 2 - 2 * np.pi * np.arange(n_regions) / n_regions
    return np.column_stack([np.cos(angles), np.sin(angles)])


def region_radii(model: DiffusionModel) -> np.ndarray:
    """Disc radius per region: the area grows with the region's number of organisations."""
    counts = np.bincount(model.org_region, minlength=len(model.settings.regions))
    return 0.42 * np.sqrt(counts / max(counts.max(), 1))


def network_layout(model: DiffusionModel) -> np.ndarray:
    """Fixed positions: the regions on a circle, each region's organisations in a sunflower disc around its centre.

    Within a region the organisations are ordered by sector, so each sector forms a ring of the disc and the ties,
    which mostly join peers of one sector in one region, stay short. A disc's area grows with its region's count.
    """
    n_regions = len(model.settings.regions)
    centres = region_centres(n_regions)
    radius = region_radii(model)
    pos = np.zeros((len(model.org_region), 2))
    golden = np.pi * (3 - np.sqrt(5))
    for r in range(n_regions):
        members = np.flatnonzero(model.org_region == r)
        members = members[np.lexsort((members, model.org_sector[members]))]
        i = np.arange(len(members))
        rho = radius[r] * np.sqrt((i + 0.5) / max(len(members), 1))
        pos[members] = centres[r] + np.column_stack([rho * np.cos(i * golden), rho * np.sin(i * golden)])
    return pos.round(4)


def network_edges(model: DiffusionModel, pos: np.ndarray) -> list[list[list[float]]]:
    """Line segments of the ties (each once), a fixed sample of at most MAX_EDGES; none under complete mixing."""
    if model.adjacency is None:
        return []
    coo = model.adjacency.tocoo()
    keep = coo.row < coo.col
    rows, cols = coo.row[keep], coo.col[keep]
    if len(rows) > MAX_EDGES:
        pick = np.random.default_rng(0).choice(len(rows), MAX_EDGES, replace=False)
        rows, cols = rows[pick], cols[pick]
    return np.stack([pos[rows], pos[cols]], axis=1).tolist()


def node_groups(model: DiffusionModel, innovation: str) -> np.ndarray:
    """Per organisation: its stage for the innovation, or -1 if it is outside the innovation's target sector."""
    k = model.catalogue.ids.index(innovation)
    return np.where(model.relevant[:, k], model.stage[:, k], -1)


def node_colours(model: DiffusionModel, innovation: str) -> list[str]:
    """One colour per organisation, as the network view draws it."""
    return [STAGE_COLOURS[Stage(g)] if g >= 0 else OFF_TARGET_COLOUR for g in node_groups(model, innovation)]


@dataclass
class NetworkView:
    """The network of one model: layout, ties and region labels fixed; the organisations regrouped per redraw."""

    model: DiffusionModel
    pos: np.ndarray = field(init=False)
    static: list[Option] = field(init=False)

    def __post_init__(self) -> None:
        self.pos = network_layout(self.model)
        self.names = [self._org_name(i) for i in range(len(self.pos))]
        self.size = float(np.clip(150 / np.sqrt(len(self.pos)), 3, 12))
        edges = {
            "type": "lines",
            "coordinateSystem": "cartesian2d",
            "silent": True,
            "large": True,
            "largeThreshold": 0,  # always one path for all ties: ~1,000 separate line elements took ~35 ms a redraw
            "data": [{"coords": seg} for seg in network_edges(self.model, self.pos)],
            "lineStyle": {"color": "#9e9e9e", "width": 0.6, "opacity": 0.35},
            "id": "ties",
            "z": 1,
            "zlevel": 0,  # a canvas layer of its own: a step repaints the dots, not the ~1,000 ties under them
        }
        self.edges = edges

    def _org_name(self, i: int) -> str:
        model = self.model
        sector = SECTORS[model.org_sector[i]]
        return f"{model.settings.regions[model.org_region[i]].name}: {SECTOR_LABELS.get(sector, sector)} #{i}"

    def _region_labels(self, big: bool = False) -> Option:
        """Each region's name and cooperation intensity beside its disc, on the side away from the centre."""
        regions = self.model.settings.regions
        radius = region_radii(self.model)
        data = []
        for r, (cx, cy) in enumerate(region_centres(len(regions))):
            gap = radius[r] + 0.04
            if abs(cx) > 0.3:
                xy, side = (cx + np.sign(cx) * gap, cy), "right" if cx > 0 else "left"
            else:
                xy, side = (cx, cy + np.sign(cy) * gap), "top" if cy > 0 else "bottom"
            name = "\n".join(textwrap.wrap(regions[r].name, 18)) + f"\n({regions[r].cooperation} cooperation)"
            data.append({"value": [round(float(v), 3) for v in xy], "name": name, "label": {"position": side}})
        size = 18 if big else 12
        label = {"show": True, "formatter": "{b}", "fontSize": size, "lineHeight": size + 2, "color": "#333"}
        label["distance"] = 2
        return {
            "type": "scatter",
            "id": "regions",
            "name": "regions",
            "symbolSize": 1,
            "silent": True,
            "data": data,
            "label": label,
            "zlevel": 0,
        }

    def option(self, innovation: str, big: bool = False) -> Option:
        """The whole figure for `innovation`: one scatter series per stage, so the legend shows the counts."""
        model = self.model
        k = model.catalogue.ids.index(innovation)
        groups = node_groups(model, innovation)
        series: list[Option] = [self.edges, self._region_labels(big)]
        legend: list[str] = []
        for g, colour in [*((int(s), c) for s, c in STAGE_COLOURS.items()), (-1, OFF_TARGET_COLOUR)]:
            members = np.flatnonzero(groups == g)
            name = OFF_TARGET if g < 0 else f"{Stage(g).name.lower()} ({len(members)})"
            legend.append(name)
            data = self.pos[members].tolist()  # plain [x, y] pairs: ECharts draws a series as one path (large mode)
            style = {"color": colour, "borderColor": "#bdbdbd" if g < 0 else "#ffffff", "borderWidth": 0.5}
            series.append(
                {
                    "type": "scatter",
                    "id": f"stage:{g}",
                    "name": name,
                    "data": data,
                    "symbolSize": self.size * (1.4 if big else 1),
                }
                | {"itemStyle": style, "z": 2, "zlevel": 1, "large": len(data) > 0, "largeThreshold": 0}
            )
        inn = model.settings.innovations[k]
        what = (
            _("stage per care organisation")
            if big
            else f"{innovation_names(model)[k]}: {_('stage per care organisation')}"
        )
        title = f"{what}, {month_label(model)}"
        subtitle = f"target sector: {SECTOR_LABELS.get(inn.target_sector, inn.target_sector)}; grouped by region"
        font = 18 if big else 12
        return {
            "animation": False,
            "title": {"text": title, "subtext": subtitle, "left": 0}
            | {"textStyle": {"fontSize": font + 2}, "subtextStyle": {"fontSize": font}},
            "tooltip": {"trigger": "item", "formatter": "{a}"},
            "legend": {"data": legend, "bottom": 0, "left": 0, "itemGap": 8, "textStyle": {"fontSize": font}},
            "grid": {"left": 0, "right": 0, "top": 2 * font + 30, "bottom": 3 * font + 20 if big else 45},
            # wider in presentation mode: the bigger region labels must fit beside the discs
            "xAxis": {"type": "value", "show": False, "min": -3.0 if big else -2.3, "max": 3.0 if big else 2.3},
            "yAxis": {"type": "value", "show": False, "min": -1.7 if big else -1.55, "max": 1.75 if big else 1.55},
            "series": series,
        }


# ---------------------------------------------------------------------------------------------- charts


@dataclass
class Series:
    column: str
    label: str
    scale: float = 1.0
    colour: str | None = None
    dashed: bool = False


@dataclass
class LineChart:
    """A live line chart over the run's months, read from the DataCollector's columns (no DataFrame per redraw)."""

    title: str
    ylabel: str
    series: list[Series]
    subtitle: str = ""

    def option(
        self,
        model: DiffusionModel,
        highlight: str | None = None,
        big: bool = False,
        ghost: dict[str, list] | None = None,
    ) -> Option:
        """The figure at the model's current month; `ghost`: the previous run's columns, drawn faint underneath."""
        data = model.datacollector.model_vars
        n = min(len(data["month"]), *(len(data[s.column]) for s in self.series))  # a step may be collecting now
        months = data["month"][:n]
        lines = []
        peak = 0.0
        for s in self.series:
            values = np.round(np.asarray(data[s.column][:n], dtype=float) * s.scale, 4)
            peak = max(peak, float(np.abs(values).max(initial=0.0)))
            bold = highlight is not None and s.column.endswith(f":{highlight}")
            style = {"width": (4.5 if big else 3.5) if bold else (2.5 if big else 1.5)}
            style["type"] = "dashed" if s.dashed else "solid"
            line = {"type": "line", "id": s.column, "name": s.label, "data": _points(months, values)}
            line |= {"showSymbol": False, "lineStyle": style, "z": 3 if bold else 2}
            if s.colour:
                line["itemStyle"] = {"color": s.colour}
            lines.append(line)
        for s in self.series if ghost else []:
            if s.column not in ghost or "month" not in ghost:
                continue
            values = np.round(np.asarray(ghost[s.column], dtype=float) * s.scale, 4)
            peak = max(peak, float(np.abs(values).max(initial=0.0)))
            faint = {"width": 2 if big else 1.2, "type": "dotted", "opacity": 0.45}
            line = {"type": "line", "id": f"ghost:{s.column}", "name": f"{_('previous run')}: {s.label}"}
            line |= {"data": _points(ghost["month"], values), "showSymbol": False, "silent": True, "z": 1}
            line |= {"lineStyle": faint, "tooltip": {"show": False}}
            if s.colour:
                line["itemStyle"] = {"color": s.colour, "opacity": 0.45}
            lines.append(line)
        empty = peak == 0.0
        font = 18 if big else 12
        y_axis = {"type": "value", "name": self.ylabel, "nameLocation": "middle", "nameGap": 3 * font + 10}
        y_axis |= {
            "scale": False,
            "axisLabel": {"fontSize": font, "show": not empty},
            "nameTextStyle": {"fontSize": font},
        }
        if empty:  # ECharts would invent a 0-1 axis for all-zero data; say "nothing yet" instead
            y_axis |= {"min": 0, "max": 1, "splitLine": {"show": False}}
        else:
            y_axis |= {"min": None, "max": None, "splitLine": {"show": True}}
        nothing = {"id": "empty", "type": "text", "left": 4 * font + 40, "top": "middle", "invisible": not empty}
        nothing["z"] = 10  # in the plot area, left of the legend
        nothing["style"] = {"text": _("nothing yet in this run"), "fontSize": font + 2, "fill": "#757575"}
        return {
            "animation": False,
            "title": {"text": self.title, "subtext": self.subtitle, "left": 0}
            | {"textStyle": {"fontSize": font + 2}, "subtextStyle": {"fontSize": font}},
            "tooltip": {"trigger": "axis"},
            "legend": {"data": [s.label for s in self.series], "type": "scroll", "orient": "vertical", "right": 0}
            | {"top": 2 * font + 30, "textStyle": {"fontSize": font}},
            "grid": {"left": 4 * font + 20, "right": 13 * font + 20, "top": 2 * font + 40, "bottom": 2 * font + 25},
            "xAxis": {"type": "value", "min": 0, "max": model.months, "name": _("month"), "nameLocation": "middle"}
            | {"nameGap": font + 12, "axisLabel": {"fontSize": font}, "nameTextStyle": {"fontSize": font}},
            "yAxis": y_axis,
            "graphic": [nothing],
            "series": lines,
        }


def _points(months: list, values: np.ndarray) -> list[list]:
    return [[m, v] for m, v in zip(months, values.tolist(), strict=True)]


def adoption_chart(model: DiffusionModel) -> LineChart:
    series = [
        Series(f"org_adoption:{iid}", name, 100.0, PALETTE[k % len(PALETTE)])
        for k, (iid, name) in enumerate(zip(model.catalogue.ids, short_names(model), strict=True))
    ]
    sub = "% of target organisations that implemented or scaled it; bold: the innovation in the network"
    return LineChart("Adoption curves per innovation", "% of organisations", series, sub)


def pilots_chart(model: DiffusionModel) -> LineChart:
    series = [
        Series("pilots_started", "started", colour=STAGE_COLOURS[Stage.PILOTING]),
        Series("pilots_embedded", "embedded (became regular care)", colour=STAGE_COLOURS[Stage.IMPLEMENTED]),
        Series("pilots_abandoned", "abandoned", colour=STAGE_COLOURS[Stage.ABANDONED]),
        Series("piloting", "piloting now", colour="#636363", dashed=True),
    ]
    sub = "cumulative, in real care organisations; many pilots that never scale is 'pilotitis'"
    return LineChart("Pilots started, embedded, abandoned", "organisations", series, sub)


def money_chart(model: DiffusionModel) -> LineChart:
    series = [
        Series(f"impact:{p}", PARTY_LABELS[p], 1e-6, PALETTE[i]) for i, p in enumerate(PARTY_TYPES) if p != "outside"
    ]
    sub = "cumulative net money against a world without innovations, per party type, EUR million"
    return LineChart("Who pays and who gains", "EUR million", series, sub)


def citizens_chart(model: DiffusionModel) -> LineChart:
    series = [
        Series("citizen_adoption_low_ses", "low SES (lage SES)", 100.0, "#d95f02"),
        Series("citizen_adoption_high_ses", "high SES (hoge SES)", 100.0, "#1b9e77"),
    ]
    sub = "% of eligible citizens using an innovation, by socio-economic status (SES)"
    return LineChart("Citizens reached", "% of eligible citizens", series, sub)


def staff_chart(model: DiffusionModel) -> LineChart:
    fte = model.settings.scale.fte_hours_per_month
    series = [Series("fte_saved", "FTE freed this month", colour="#6a51a3")]
    sub = f"staff hours saved per month / {fte:.0f} hours per FTE; the shortage in 2034 is ~266,000 care workers"
    return LineChart("Staff hours saved", "FTE", series, sub)


CHART_MAKERS = {
    "adoption": adoption_chart,
    "pilots": pilots_chart,
    "money": money_chart,
    "citizens": citizens_chart,
    "staff": staff_chart,
}


@dataclass
class Views:
    """Everything the app draws for one model."""

    network: NetworkView
    charts: dict[str, LineChart]


_views: weakref.WeakKeyDictionary[DiffusionModel, Views] = weakref.WeakKeyDictionary()


def views_for(model: DiffusionModel) -> Views:
    """The views of `model`, built on first use and kept as long as the model lives."""
    views = _views.get(model)
    if views is None:
        views = Views(NetworkView(model), {name: make(model) for name, make in CHART_MAKERS.items()})
        _views[model] = views
    return views


def all_options(model: DiffusionModel, innovation: str | None = None) -> dict[str, Option]:
    """Every figure of the app for the model's current month (what one redraw computes; used by the benchmark)."""
    views = views_for(model)
    innovation = innovation or default_innovation(model)
    out = {"network": views.network.option(innovation)}
    for name, chart in views.charts.items():
        out[name] = chart.option(model, highlight=innovation if name == "adoption" else None)
    return out


def option_update(old: Option | None, new: Option) -> Option:
    """What to send so that a chart showing `old` shows `new`: the changed top-level parts and the changed series.

    The chart merges the update into what it shows (ECharts' setOption without notMerge), matching series by id; an
    unchanged series, such as the network's ties, is not sent again, and the browser does not redo its layout.
    A series that is gone is sent empty, so it disappears.
    """
    if old is None:
        return new
    out = {k: v for k, v in new.items() if k != "series" and old.get(k) != v}
    before = {s.get("id"): s for s in old.get("series", [])}
    changed = [s for s in new.get("series", []) if before.get(s.get("id")) != s]
    gone = {s.get("id") for s in old.get("series", [])} - {s.get("id") for s in new.get("series", [])}
    changed += [{"id": i, "data": []} for i in sorted(gone, key=str)]
    if changed:
        out["series"] = changed
    return out


# ---------------------------------------------------------------------------------------------- big numbers


@dataclass
class Tile:
    """One big number: its value now, how it reads, what it is set against, and its change against the previous run."""

    key: str
    label: str
    value: float
    text: str
    context: str
    change: str = ""


def _last(columns: dict[str, list], name: str, month: int | None = None) -> float | None:
    """A column's value at `month` (its last value if the run has not got there, or if month is None)."""
    values = columns.get(name)
    if not values:
        return None
    i = len(values) - 1 if month is None else min(month, len(values) - 1)
    return float(values[i])


def tile_values(model: DiffusionModel, columns: dict[str, list], month: int | None = None) -> dict[str, float]:
    """The raw numbers behind the tiles, from a run's DataCollector columns (this run's, or the previous run's)."""
    ids = model.catalogue.ids
    adoption = [_last(columns, f"org_adoption:{i}", month) for i in ids]
    adoption = [a for a in adoption if a is not None]
    impacts = {p: _last(columns, f"impact:{p}", month) for p in PARTY_TYPES if p != "outside"}
    out = {
        "fte": _last(columns, "fte_saved", month) or 0.0,
        "adopted": float(np.mean(adoption)) if adoption else 0.0,
        "at_home": _last(columns, "care_at_home_growth", month) or 0.0,
        "public": _last(columns, "public_money_spent", month) or 0.0,
    }
    out |= {f"impact:{p}": v or 0.0 for p, v in impacts.items()}
    return out


def big_numbers(model: DiffusionModel, previous: dict[str, list] | None = None) -> list[Tile]:
    """The five tiles of the story, each with its change against the previous run at the same month."""
    cols = model.datacollector.model_vars
    n = min(len(cols["month"]), len(cols.get("public_money_spent", [])))
    now = tile_values(model, {k: v[:n] for k, v in cols.items()})
    before = tile_values(model, previous, max(n - 1, 0)) if previous else None
    shortage = model.settings.scale.shortage_2034_fte
    parties = [k for k in now if k.startswith("impact:")]
    party = max(parties, key=lambda k: abs(now[k])) if parties else None
    net = now[party] if party else 0.0
    name = PARTY_LABELS.get(party.partition(":")[2], party) if party else ""
    tiles = [
        Tile(
            "fte",
            _("FTE freed"),
            now["fte"],
            f"{now['fte']:,.0f}",
            _("per month; 2034 shortage: {n:,.0f}").format(n=shortage),
        ),
        Tile(
            "adopted",
            _("Share adopted"),
            now["adopted"],
            f"{now['adopted']:.0%}",
            _("of target organisations, average"),
        ),
        Tile(
            "at_home",
            _("Care at home"),
            now["at_home"],
            f"{now['at_home']:+.1%}",
            _("since start; mission: +50% by 2030"),
        ),
        Tile(
            "public",
            _("Public money spent"),
            now["public"],
            f"EUR {now['public'] / 1e6:,.1f} M",
            _("so far in this run"),
        ),
        Tile("net", _("Net money, most affected party"), net, f"EUR {net / 1e6:+,.1f} M", name),
    ]
    if before is not None:
        formats = {
            "fte": lambda d: f"{d:+,.0f} FTE",
            "adopted": lambda d: f"{d * 100:+.1f} pts",
            "at_home": lambda d: f"{d * 100:+.1f} pts",
            "public": lambda d: f"EUR {d / 1e6:+,.1f} M",
            "net": lambda d: f"EUR {d / 1e6:+,.1f} M",
        }
        for tile in tiles:
            old = before[party] if tile.key == "net" and party else before.get(tile.key, 0.0)
            tile.change = _("{delta} vs previous run").format(delta=formats[tile.key](tile.value - old))
    return tiles
