"""The search corpus a seed makes: each source's text, and each fact's words and quotes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
            "title": seed.title,
            "body": _join(seed.publisher, seed.author, source.text),
            "url": resource_url("source", source_id),
            "first_published": seed.published_on.last if seed.published_on else None,
        }
    for kind in FACT_KINDS:
        for model in bundle.models(kind):
            quotes = [c.quote for c in model.citations]
            if kind == "statistics":
                title = model.label
                body = _join(
                    model.as_reported, model.metric, model.attributed_to, model.notes, *quotes
                )
            elif kind == "provisions":
                title = model.title
                body = _join(
                    model.summary,
                    model.category,
                    model.instrument,
                    model.before,
                    model.after,
                    *quotes,
                )
            elif kind == "meetings":
                title = model.title
                people = [_join(p.name, p.role, p.organization) for p in model.participants]
                place = model.location.city if model.location else None
                body = _join(model.summary, model.kind, place, *people, *quotes)
            elif kind == "people":
                title = model.name
                roles = [_join(r.title, r.organization) for r in model.roles]
                body = _join(*[n.name for n in model.names], *roles, model.note, *quotes)
            elif kind == "organizations":
                title = model.name
                body = _join(model.kind, *[n.name for n in model.names], model.note, *quotes)
            elif kind == "statements":
                title = statement_title(bundle, model)
                body = _join(
                    model.text,
                    model.kind,
                    model.medium,
                    model.audience,
                    *_speaker_names(bundle, model),
                    model.note,
                    *quotes,
                )
            else:
                title = model.title
                body = _join(model.summary, model.cause, model.date_disputed, *quotes)
            yield {
                "type": SINGULAR[kind],
                "ref_id": model.id,
                "title": title,
                "body": body,
                "url": f"{API_PREFIX}/{kind}/{model.id}",
                "first_published": bundle.first_published(model),
            }
