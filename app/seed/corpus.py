"""The search corpus a seed makes: each source's text, and each fact's words and quotes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.seed.bundle import SeedBundle
from app.vocabulary import API_PREFIX, FACT_KINDS, resource_url


def _join(*parts: Any) -> str:
    return "\n".join(str(p) for p in parts if p)


def search_documents(bundle: SeedBundle) -> Iterator[dict[str, Any]]:
    for source_id, source in bundle.texts.items():
        seed = source.seed
        yield {
            "type": "source",
            "ref_id": source_id,
            "title": seed.title,
            "body": _join(seed.publisher, seed.author, source.text),
            "url": resource_url("source", source_id),
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
            else:
                title = model.title
                body = _join(model.summary, *quotes)
            yield {
                "type": kind[:-1],
                "ref_id": model.id,
                "title": title,
                "body": body,
                "url": f"{API_PREFIX}/{kind}/{model.id}",
            }
