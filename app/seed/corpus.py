"""The search corpus a seed makes: each source's text, and each fact's words and quotes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel

from app.seed.bundle import SeedBundle
from app.vocabulary import API_PREFIX, FACT_KINDS, SINGULAR, resource_url


def _join(*parts: Any) -> str:
    return "\n".join(str(p) for p in parts if p)


def _speaker_names(bundle: SeedBundle, statement: Any) -> list[str]:
    named = [e.name for e in map(bundle.entity, statement.speakers) if e is not None]
    return named or [statement.speaker_as_stated or ""]


# A statement's label quotes this many characters of it at most.
TITLE_CHARS = 80


def statement_title(bundle: SeedBundle, statement: Any) -> str:
    """ "Who: “the start of what they said…”": the label lists and the timeline show."""
    text = statement.text.strip("“”\"' ,")
    if len(text) > TITLE_CHARS:
        text = text[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"
    return f"{' and '.join(_speaker_names(bundle, statement))}: “{text}”"


def search_documents(bundle: SeedBundle) -> Iterator[dict[str, Any]]:
    for seed in bundle.models("sources"):
        source = bundle.texts.get(seed.id)
        if source is None:
            continue  # not found: the seed did not pass, or the bundle was edited since
        source_id = seed.id
        yield {
            "type": "source",
            "ref_id": source_id,
            "stage": 0,
            "title": seed.title,
            "body": _join(seed.publisher, seed.author, source.text),
            "url": resource_url("source", source_id),
            "first_published": seed.published_on.last if seed.published_on else None,
            "until": None,
        }
    for kind in FACT_KINDS:
        for model in bundle.models(kind):
            versions = _versions(bundle, model)
            # stage 0: the fact as it stands (the last version); then the earlier ones in order
            for stage, (since, until, told) in enumerate(versions[-1:] + versions[:-1]):
                title, body = _words(bundle, kind, told)
                yield {
                    "type": SINGULAR[kind],
                    "ref_id": model.id,
                    "stage": stage,
                    "title": title,
                    "body": body,
                    "url": f"{API_PREFIX}/{kind}/{model.id}",
                    "first_published": since,
                    "until": until,
                }


Version = tuple[date | None, date | None, Any]  # holds from, until (None: on), the fact as told


def _versions(bundle: SeedBundle, model: Any) -> list[Version]:
    """A fact as its sources told it: one version from each day a source citing it was surely
    published, with only what the sources counted by then say (`told_by`), the whole fact last.
    A fact that rests on an undated source too ends with the whole fact, which holds under no
    `as_of` (nor does an undated source: app/queries/asof.py)."""
    days = bundle.citing_days(model)
    dated = sorted({day for day in days.values() if day is not None})
    undated = None in days.values()
    if len(dated) + undated <= 1:  # every source counts on the same day: one version
        return [(dated[0] if dated else None, None, model)]
    versions: list[Version] = []
    for i, day in enumerate(dated):
        counted = {s for s, published in days.items() if published is not None and published <= day}
        until = dated[i + 1] if i + 1 < len(dated) else None
        # told by every source, it is the whole fact
        versions.append(
            (day, until, model if len(counted) == len(days) else told_by(model, counted))
        )
    if undated:
        versions.append((None, None, model))
    return versions


def told_by(model: BaseModel, counted: set[str]) -> Any:
    """`model` without what a source outside `counted` says: every item of a list that names a
    `source` outside it is left out, at any depth. The seed's side of the rule `as_of` applies to
    stored documents (app/queries/asof.py `restrict`, on `source_id`)."""
    update = {
        name: _told(getattr(model, name), counted)
        for name in type(model).model_fields
        if isinstance(getattr(model, name), (BaseModel, list))
    }
    return model.model_copy(update=update)


def _told(value: Any, counted: set[str]) -> Any:
    if isinstance(value, BaseModel):
        return told_by(value, counted)
    if isinstance(value, list):
        return [
            _told(item, counted)
            for item in value
            if not (isinstance(item, BaseModel) and _said_elsewhere(item, counted))
        ]
    return value


def _said_elsewhere(item: BaseModel, counted: set[str]) -> bool:
    source = getattr(item, "source", None)
    return isinstance(source, str) and source not in counted


def _words(bundle: SeedBundle, kind: str, model: Any) -> tuple[str, str]:
    """A fact's title and the body search matches: its own words and its sources' quotes."""
    quotes = [c.quote for c in model.citations]
    if kind == "statistics":
        return model.label, _join(
            model.as_reported, model.metric, model.attributed_to, model.notes, *quotes
        )
    if kind == "provisions":
        return model.title, _join(
            model.summary, model.category, model.instrument, model.before, model.after, *quotes
        )
    if kind == "meetings":
        people = [_join(p.name, p.role, p.organization) for p in model.participants]
        place = model.location.city if model.location else None
        return model.title, _join(model.summary, model.kind, place, *people, *quotes)
    if kind == "people":
        roles = [_join(r.title, r.organization) for r in model.roles]
        return model.name, _join(*[n.name for n in model.names], *roles, model.note, *quotes)
    if kind == "organizations":
        return model.name, _join(model.kind, *[n.name for n in model.names], model.note, *quotes)
    if kind == "statements":
        return statement_title(bundle, model), _join(
            model.text,
            model.kind,
            model.medium,
            model.audience,
            *_speaker_names(bundle, model),
            model.note,
            *quotes,
        )
    return model.title, _join(model.summary, model.cause, model.date_disputed, *quotes)
