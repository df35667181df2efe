"""The project's vocabularies, each written once: the kinds of fact and resource, and the URL of
each resource. Everything that names a kind or builds a `/v1/...` path takes it from here."""

from __future__ import annotations

# The kinds of fact: each is cited, has a table of its own (singular) and a list (plural).
FACT_TYPES = (
    "statistic",
    "provision",
    "meeting",
    "milestone",
    "person",
    "organization",
    "statement",
)
# Every resource type and the path segment of its list (also the seed's kind of file).
PLURALS = {
    "source": "sources",
    "metric": "metrics",
    "statistic": "statistics",
    "provision": "provisions",
    "meeting": "meetings",
    "milestone": "milestones",
    "person": "people",
    "organization": "organizations",
    "statement": "statements",
    "discrepancy": "discrepancies",
    "check": "checks",
    "series": "series",
}
FACT_KINDS = tuple(PLURALS[t] for t in FACT_TYPES)
# The type a plural names: SINGULAR["people"] is "person".
SINGULAR = {plural: type_ for type_, plural in PLURALS.items()}
# What the timeline lists, and what search finds.
TIMELINE_TYPES = ("meeting", "milestone", "provision", "statement")
SEARCH_TYPES = ("source", *FACT_TYPES)
# SQLite's full-text indexes (migration 0018): of the search documents as they stand, and of
# every version of them (what `as_of` reads)
SEARCH_INDEX, SEARCH_VERSIONS_INDEX = "search_fts", "search_versions_fts"
API_PREFIX = "/v1"


def collection_url(type_: str) -> str:
    """The path of a resource type's list: collection_url("statistic") is /v1/statistics."""
    return f"{API_PREFIX}/{PLURALS[type_]}"


def resource_url(type_: str, resource_id: str) -> str:
    """The relative path of one resource: resource_url("statistic", "x") is /v1/statistics/x."""
    return f"{collection_url(type_)}/{resource_id}"


def source_text_url(source_id: str) -> str:
    return f"{resource_url('source', source_id)}/text"


def coverage_url(source_id: str) -> str:
    return f"{resource_url('source', source_id)}/coverage"
