"""The series a seed makes: its statistics grouped by metric, reporter, partner and scope, one
point per period, each point reconciled by app/analysis/series.py. Built by the loader."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import orjson

from app.analysis.precision import bounds, qualifier
from app.analysis.series import Reported, point_fields, reconcile
from app.dates import PartialDate
from app.models import StatisticSeed
from app.queries.common import number
from app.queries.series import summarise
from app.seed.bundle import SeedBundle
from app.seed.spill import EntryRow
from app.vocabulary import resource_url, source_text_url


def series_id(metric: str, reporter: str, partner: str | None, scope: str | None) -> str:
    """metric, reporter, partner and scope as one slug: trade-deficit-goods--usa-kor-goods."""
    rest = "-".join(p.lower().replace("_", "-") for p in (reporter, partner, scope) if p)
    return f"{metric}--{rest}"


def _period(value: PartialDate | None) -> tuple[str | None, str | None]:
    return (str(value), value.precision) if value else (None, None)


def _sort_key(stat: StatisticSeed) -> tuple[Any, ...]:
    start, end = stat.period_start, stat.period_end
    return (
        start is None,
        start.first if start else None,
        start.precision if start else "",
        end.first if end else start.first if start else None,
        end.precision if end else "",
    )


def series_rows(bundle: SeedBundle) -> Iterator[dict[str, Any]]:
    """One row per series: its keys, its public document (see SeriesPublic) and its summary
    (SeriesSummaryPublic)."""
    metrics = {m.id: m for m in bundle.models("metrics")}

    def keyed(row: EntryRow) -> tuple[str, str]:
        body = row[-1]  # the entry's JSON as stored: its keys read without decoding a model
        stat = orjson.loads(body)
        metric, scope = stat["metric"], stat["scope"]
        keys = (metric, stat["reporter"], stat["partner"], bundle.metric_scope(metric, scope))
        # in series id order; the keys themselves after it, so that no two series merge
        return f"{series_id(*keys)}\x01{keys!r}", body

    # grouped on disk: one series at a time in memory, not every statistic
    for bodies in bundle.spill.groups("series", map(keyed, bundle.spill.entries("statistics"))):
        stats = [StatisticSeed.model_validate_json(body) for body in bodies]
        metric, reporter, partner, scope = (
            stats[0].metric,
            stats[0].reporter,
            stats[0].partner,
            bundle.scope_of(stats[0]),
        )
        by_period: dict[tuple[Any, ...], list[StatisticSeed]] = defaultdict(list)
        for stat in sorted(stats, key=lambda s: (_sort_key(s), s.id)):
            by_period[_sort_key(stat)].append(stat)
        slug = series_id(metric, reporter, partner, scope)
        document = {
            "id": slug,
            "url": resource_url("series", slug),
            "svg_url": resource_url("series", slug) + ".svg",
            "metric": metric,
            "metric_url": resource_url("metric", metric),
            "label": metrics[metric].label,
            "unit": metrics[metric].unit,
            "reporter": reporter,
            "partner": partner,
            "scope": scope,
            "points": [_point(bundle, members) for members in by_period.values()],
        }
        yield {
            "id": slug,
            "metric_id": metric,
            "reporter": reporter,
            "partner": partner,
            "scope": scope,
            "first_published": min(
                (d for s in stats if (d := bundle.first_published(s)) is not None), default=None
            ),
            "document": orjson.dumps(document).decode(),
            "summary": orjson.dumps(summarise(document)).decode(),
        }


def _point(bundle: SeedBundle, members: list[StatisticSeed]) -> dict[str, Any]:
    figures = []
    reported = []
    for stat in members:
        value = float(stat.value)
        low, high = bounds(stat.as_reported, value)
        citation = stat.citations[0]
        span = bundle.spans[("statistics", stat.id, 0)]
        figures.append(Reported(stat.id, citation.source, stat.as_reported, value, low, high))
        reported.append(
            {
                "statistic_id": stat.id,
                "url": resource_url("statistic", stat.id),
                "source_id": citation.source,
                "as_reported": stat.as_reported,
                "value": number(value),
                "value_low": None if low is None else number(low),
                "value_high": None if high is None else number(high),
                "qualifier": qualifier(stat.as_reported),
                "citation_url": f"{source_text_url(citation.source)}#char={span.start},{span.end}",
            }
        )
    result = reconcile(figures)
    first = members[0]
    start, start_precision = _period(first.period_start)
    end, end_precision = _period(first.period_end)
    return {
        "period_start": start,
        "period_start_precision": start_precision,
        "period_end": end,
        "period_end_precision": end_precision,
        **point_fields(result),
        "reported": reported,
    }
