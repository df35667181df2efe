"""The curation rules: judgements about how a text is read, written once as checks the loader
runs on every entry, so that the next document is curated the same way.

Statistics (a curator may set one aside for one statistic by stating why, under `exemptions`;
see app.models.curation.RuleName):
- `hedge_kept`: a hedge right before the figure in the text ("nearly", "less than", "more than",
  "about") is written into `as_reported`, so that the figure keeps its direction;
- `sign_matches_wording`: a change's sign agrees with the words that give its direction ("rose",
  "an increase"; "fell", "a drop", "a decline") under the metric's `positive_direction`;
- `period_from_text`: a period bound known to the month or day is named in a quote or in the
  notes, or is the citing source's own date: a period is no more precise than the text;
- `metric_named`: one of the statistic's quotes names what its metric measures (the metric's
  `terms`: "goods" for a goods deficit, "textiles" for textile imports).
Statistics, always: `approximate` is true exactly when the wording hedges the figure.

Provisions, always:
- `instrument_placed`: a provision outside the KORUS amendment cites the sentence that puts it
  outside ("Outside the context of KORUS", "On a separate track");
- `actor_named`: the summary names the actor the provision's first quote gives ("South Korea
  will ...", "The Trump Administration has reached ..."), so it frames who acts as the source
  does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from app.analysis.precision import qualifier
from app.analysis.wording import direction, hedge_before
from app.dates import PartialDate
from app.models import MetricSeed, ProvisionSeed, SourceSeed, StatisticSeed

if TYPE_CHECKING:
    from app.seed.citations import Span


class SpanLookup(Protocol):
    """Where a fact's citation was placed, by (kind, fact id, citation position)."""

    def get(self, key: tuple[str, str, int], /) -> Span | None: ...


@dataclass(frozen=True)
class Breach:
    rule: str
    message: str
    path: tuple[int | str, ...]


@dataclass(frozen=True)
class Context:
    texts: Mapping[str, str]
    spans: SpanLookup  # by (kind, id, citation position)
    metrics: Mapping[str, MetricSeed]
    sources: Mapping[str, SourceSeed]


def statistic_breaches(stat: StatisticSeed, ctx: Context) -> Iterator[Breach]:
    """Every rule the statistic breaks, exempted or not (the caller weighs exemptions)."""
    yield from hedge_kept(stat, ctx)
    yield from sign_matches_wording(stat, ctx)
    yield from period_from_text(stat, ctx)
    yield from metric_named(stat, ctx)
    yield from approximate_matches_wording(stat)


def _figure_positions(stat: StatisticSeed) -> Iterator[tuple[int, str, int]]:
    """(citation index, quote, offset of as_reported in the quote) for each quote holding it."""
    for i, citation in enumerate(stat.citations):
        at = citation.quote.find(stat.as_reported)
        if at >= 0:
            yield i, citation.quote, at


def hedge_kept(stat: StatisticSeed, ctx: Context) -> Iterator[Breach]:
    for i, _quote, at in _figure_positions(stat):
        span = ctx.spans.get(("statistics", stat.id, i))
        text = ctx.texts.get(stat.citations[i].source)
        if span is None or text is None:
            continue
        hedge = hedge_before(text, span.start + at)
        if hedge and qualifier(stat.as_reported) == "exact":
            yield Breach(
                "hedge_kept",
                f"the text hedges the figure ('{hedge} {stat.as_reported}'): write the hedge into "
                "as_reported, or state why it does not apply under exemptions.hedge_kept",
                ("as_reported",),
            )
            return


def sign_matches_wording(stat: StatisticSeed, ctx: Context) -> Iterator[Breach]:
    metric = ctx.metrics.get(stat.metric)
    if metric is None or metric.positive_direction is None or stat.value == 0:
        return
    for _i, quote, at in _figure_positions(stat):
        said = direction(quote, at, at + len(stat.as_reported))
        if said is None:
            continue
        positive = said == metric.positive_direction
        if positive != (stat.value > 0):
            yield Breach(
                "sign_matches_wording",
                f"the quote gives a {said} ({quote!r}), so under {metric.id}'s convention "
                f"(positive for a {metric.positive_direction}) the value must be "
                f"{'positive' if positive else 'negative'}, not {stat.value!r}",
                ("value",),
            )
            return


_MONTH_NAMES = [
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May", "May"),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sept"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
]


def _names_month(text: str, when: PartialDate) -> bool:
    full, short = _MONTH_NAMES[when.first.month - 1]
    if when.first.strftime("%Y-%m") in text:
        return True
    pattern = rf"\b(?:{full}|{short}\.?)(?![a-z])"
    if when.precision == "day":
        day = str(when.first.day)
        pattern = rf"(?:{pattern}[ \u00a0]+{day}\b|\b{day}[ \u00a0]+{pattern})"
    return re.search(pattern, text) is not None


def _source_date_covers(source: SourceSeed | None, when: PartialDate) -> bool:
    published = source.published_on if source else None
    if published is None:
        return False
    if when.precision == "month":
        return published.precision in ("month", "day") and (
            published.first.year,
            published.first.month,
        ) == (when.first.year, when.first.month)
    return published.precision == "day" and published.first == when.first


def period_from_text(stat: StatisticSeed, ctx: Context) -> Iterator[Breach]:
    for name in ("period_start", "period_end"):
        when: PartialDate | None = getattr(stat, name)
        if when is None or when.precision == "year":
            continue
        said = [c.quote for c in stat.citations] + [stat.notes or ""]
        if any(_names_month(text, when) for text in said):
            continue
        if any(_source_date_covers(ctx.sources.get(c.source), when) for c in stat.citations):
            continue
        yield Breach(
            "period_from_text",
            f"{name} {when} is known to the {when.precision}, but no quote or note names it and "
            "it is not the source's date: write the period at the precision the text gives "
            "(a year, or null), or say in notes where the month comes from",
            (name,),
        )


def metric_named(stat: StatisticSeed, ctx: Context) -> Iterator[Breach]:
    metric = ctx.metrics.get(stat.metric)
    if metric is None or not metric.terms:
        return
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(t) for t in metric.terms) + r")\b", re.IGNORECASE
    )
    if not any(pattern.search(c.quote) for c in stat.citations):
        yield Breach(
            "metric_named",
            f"no quote names what {metric.id} measures ({', '.join(metric.terms)}): quote the "
            "words that say it, or choose the metric the text supports",
            ("metric",),
        )


def approximate_matches_wording(stat: StatisticSeed) -> Iterator[Breach]:
    hedged = qualifier(stat.as_reported) != "exact"
    if hedged != stat.approximate:
        yield Breach(
            "approximate",
            f"as_reported {stat.as_reported!r} is "
            + ("hedged; set approximate: true" if hedged else "not hedged; set approximate: false"),
            ("approximate",),
        )


# Words that place a provision outside the KORUS amendment, by instrument.
_OUTSIDE = re.compile(r"outside the context of|on a separate track", re.IGNORECASE)
# Who a provision's sentence can name as acting, longest first.
_ACTORS = re.compile(
    r"\b(?:South Korea|Korea|the United States|the Trump Administration|the Treasury "
    r"Department|the President|President Trump)\b(?!n)",
    re.IGNORECASE,
)


def provision_breaches(provision: ProvisionSeed) -> Iterator[Breach]:
    yield from instrument_placed(provision)
    yield from actor_named(provision)


def instrument_placed(provision: ProvisionSeed) -> Iterator[Breach]:
    if provision.instrument == "korus_amendment":
        return
    if not any(_OUTSIDE.search(c.quote) for c in provision.citations):
        yield Breach(
            "instrument_placed",
            f"instrument {provision.instrument!r} is not the KORUS amendment: cite the sentence "
            "that places it outside KORUS ('Outside the context of KORUS', 'On a separate track')",
            ("citations",),
        )


def actor_named(provision: ProvisionSeed) -> Iterator[Breach]:
    match = _ACTORS.search(provision.citations[0].quote)
    if match is None:
        return
    actor = match.group()
    if re.search(rf"\b{re.escape(actor)}\b(?!n)", provision.summary, re.IGNORECASE) is None:
        yield Breach(
            "actor_named",
            f"the first quote says who acts ({actor!r}); the summary must name them as the "
            "source frames it",
            ("summary",),
        )
