"""The OpenAPI document's examples: real responses from the shipped seed, one per operation and
media type, each list cut to its first element. `korus-facts openapi-examples` writes them to
app/api/examples.json; a test asks a live server the same requests and compares, so an example
can never drift from what the API answers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from app.vocabulary import PLURALS, collection_url

# A GET by path and Accept, answering (status, body).
Getter = Callable[[str, str], tuple[int, bytes]]

# Extra query for an operation's example request, by operationId.
_QUERIES = {
    "searchFacts": {"q": "steel"},
    "getTimelineCalendar": {"from": "2018-03", "to": "2018-03"},
}
# path parameter -> the list whose first item names it
_FIRST_OF = {f"{type_}_id": collection_url(type_) for type_ in PLURALS}
CALENDAR_STAMP = re.compile(r"^DTSTAMP:.*$", re.M)
CALENDAR_FOLD = re.compile(r"\r\n[ \t]")  # RFC 5545 folds long lines; the fold moves with the host


def trim(value: Any) -> Any:
    """Every list cut to its first element, all the way down."""
    if isinstance(value, list):
        return [trim(v) for v in value[:1]]
    if isinstance(value, dict):
        return {k: trim(v) for k, v in value.items()}
    return value


def normalise(media_type: str, body: bytes, base: str) -> Any:
    """What an example holds for a response body: JSON trimmed, text as text. What differs from
    load to load or host to host is written as a placeholder: the load time, and in a calendar
    its stamps and this server's address (`BASE`), with long lines unfolded."""
    if media_type.endswith("json"):
        # a reference to paste names this server absolutely: written as `BASE`
        value = trim(json.loads(body.decode("utf-8").replace(base, "BASE")))
        if isinstance(value, dict) and "loaded_at" in value:
            value["loaded_at"] = "(when the dataset was loaded)"
        return value
    text = body.decode("utf-8")
    if media_type == "text/calendar":
        text = CALENDAR_FOLD.sub("", text)
        text = CALENDAR_STAMP.sub("DTSTAMP:(when the dataset was loaded)", text)
    return text.replace(base, "BASE")


def collect(document: dict[str, Any], get: Getter, base: str) -> dict[str, Any]:
    """Each operation's example request and the responses to it, by operationId."""
    ids: dict[str, str] = {}
    for name, path in _FIRST_OF.items():
        status, body = get(f"{path}?limit=1", "application/json")
        items = json.loads(body)["items"] if status == 200 else []
        if items:
            ids[name] = items[0]["id"]
    ids["problem_type"] = "not-found"
    examples: dict[str, Any] = {}
    for path, item in document["paths"].items():
        operation = item["get"]
        names = {p["name"] for p in operation.get("parameters", [])}
        query = dict(_QUERIES.get(operation["operationId"], {}))
        if "limit" in names:
            query["limit"] = "1"
        if "since" in names:  # changes since the loaded version: none, but the shape shows
            query["since"] = json.loads(get("/readyz", "application/json")[1])["dataset_version"]
        target = path.format(**ids) + (
            "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
        )
        content = {}
        for media_type in operation["responses"]["200"]["content"]:
            status, body = get(target, media_type)
            if status != 200:
                raise RuntimeError(f"GET {target} ({media_type}) answered {status}")
            content[media_type] = normalise(media_type, body, base)
        examples[operation["operationId"]] = {"request": target, "content": content}
    return examples
