"""Series as SVG charts, drawn on the server by pygal (no JavaScript in the result).

Time runs on a true scale (a period stands at its middle). Every reported figure is a point of
its source, linked to its citation; the best value is a line of its own, the interval every
figure allows a bar at each period, and where the sources conflict, the gap no figure allows is
drawn in a colour of its own. The SVG carries an accessible title and
description (`role="img"`, `aria-labelledby`), which say in words what the chart shows.
"""

from __future__ import annotations

import html
import re
import sys
from typing import Any

from app.dates import PartialDate

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
# pygal signs each chart with the day it was drawn: the same series would change every day.
_DRAWN_ON = re.compile(r"(<!--Generated with pygal[^>]*?) on \d{4}-\d{2}-\d{2}-->")
_CHART_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Money is drawn in the largest of these units the figures reach.
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))
_UNIT_NAMES = {"USD": "US$", "percent": "percent"}


def _scale(points: list[dict[str, Any]], unit: str) -> tuple[float, str]:
    largest = max(
        (abs(f["value"]) for p in points for f in p["reported"]),
        default=0.0,
    )
    name = _UNIT_NAMES.get(unit, unit)
    if unit == "USD":
        for factor, word in _SCALES:
            if largest >= factor:
                return factor, f"{name} {word}"
    return 1.0, name


def _period(point: dict[str, Any]) -> str:
    start, end = point["period_start"] or "no period", point["period_end"]
    return start if end in (None, start) else f"{start} to {end}"


def _x(point: dict[str, Any]) -> float | None:
    """Where a period stands on the time axis: the middle of its first period, in years."""
    start = point["period_start"]
    if start is None:
        return None
    parsed = PartialDate.parse(start)
    middle = parsed.first + (parsed.last - parsed.first) / 2
    return middle.year + (middle.timetuple().tm_yday - 1) / 365.25


def _description(series: dict[str, Any], scale_name: str, factor: float) -> str:
    parts = []
    for point in series["points"]:
        figures = ", ".join(f"{f['source_id']} {f['as_reported']}" for f in point["reported"])
        if point["best"] is None:
            verdict = "the sources conflict: no value is allowed by every figure"
        else:
            verdict = f"best value {point['best'] / factor:.4g} {scale_name} ({point['state']})"
        parts.append(f"{_period(point)}: {figures}; {verdict}.")
    return " ".join(parts)


def _pygal() -> Any:
    """pygal, loaded on first use (the API starts without it). Its import adds a finder for
    its map plug-ins to sys.meta_path, an old-style one that makes every later import warn; no
    chart here uses a map plug-in, so the finder is taken out again."""
    import pygal

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return pygal


def series_svg(series: dict[str, Any]) -> str:
    """The chart of one series (its public document), as a standalone SVG document."""
    pygal = _pygal()
    from pygal.style import Style

    points = [p for p in series["points"] if _x(p) is not None]
    factor, scale_name = _scale(points, series["unit"])
    where = "-".join(p for p in (series["reporter"], series["partner"]) if p)
    title = f"{series['label']} ({where}{', ' + series['scope'] if series['scope'] else ''})"
    years = sorted({int(x) for p in points if (x := _x(p)) is not None})
    chart = pygal.XY(
        js=[],
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        truncate_legend=-1,
        allow_interruptions=True,
        include_x_axis=True,
        x_title="period",
        y_title=scale_name,
        title=title,
        style=Style(
            font_family="sans-serif",
            background="white",
            plot_background="white",
            colors=("#222222", "#c0392b", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"),
        ),
        x_labels=list(range(years[0] - 1, years[-1] + 2)) if years else None,
        xrange=(years[0] - 1, years[-1] + 2) if years else None,
        value_formatter=lambda y: f"{y:.4g}",
        width=800,
        height=500,
        dots_size=5,
        stroke_style={"width": 2},
    )
    best: list[Any] = []
    intervals: list[Any] = []
    conflicts: list[Any] = []
    for point in points:
        x = _x(point)
        if point["best"] is not None:
            best.append(
                {
                    "value": (x, point["best"] / factor),
                    "label": f"{_period(point)}: {point['state']}",
                }
            )
        if point["low"] is not None and point["high"] is not None:
            intervals += [(x, point["low"] / factor), (x, point["high"] / factor), None]
        conflict = point["conflict"]
        if conflict:
            figures = {f["statistic_id"]: f for f in point["reported"]}
            below = max(
                (figures[s]["value_high"] or figures[s]["value"]) for s in conflict["below"]
            )
            conflicts += [(x, below / factor), (x, (below + conflict["gap"]) / factor), None]
    chart.add("best value", best, stroke=True)
    chart.add("interval every figure allows", intervals, stroke=True, show_dots=False)
    if conflicts:
        chart.add("conflict: the gap no figure allows", conflicts, stroke=True, dots_size=3)
    sources = sorted({f["source_id"] for p in points for f in p["reported"]})
    for source_id in sources:
        values = [
            {
                "value": (_x(point), figure["value"] / factor),
                "label": f"{figure['as_reported']} ({figure['statistic_id']})",
                "xlink": {"href": figure["citation_url"], "target": "_top"},
            }
            for point in points
            for figure in point["reported"]
            if figure["source_id"] == source_id
        ]
        chart.add(source_id, values, stroke=False)
    svg: str = chart.render(is_unicode=True)
    # pygal names each chart by a random uuid: the series' id keeps the document (and its ETag)
    # the same from request to request
    svg = _CHART_ID.sub(f"chart-{series['id']}", svg)
    svg = _DRAWN_ON.sub(r"\1-->", svg)
    return _accessible(svg, title, _description(series, scale_name, factor))


def _accessible(svg: str, title: str, description: str) -> str:
    """The root <svg> as an image with its title and description, for screen readers, and no
    script."""
    svg = _SCRIPT.sub("", svg)  # pygal writes its config as a script even with js=[]
    head, rest = svg.split("<svg", 1)
    tag, body = rest.split(">", 1)
    labelled = (
        f'<svg role="img" aria-labelledby="chart-title chart-desc"{tag}>'
        f'<title id="chart-title">{html.escape(title)}</title>'
        f'<desc id="chart-desc">{html.escape(description)}</desc>'
    )
    return head + labelled + body
