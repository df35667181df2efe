"""The mention scanner: every name of a person or organisation in a text, found without the
curation and then matched against it, as the figure scanner does for figures.

A text is read as runs of capitalised words ("Deputy Minister Myung-hee Yoo of the Ministry of
Trade"). Inside a run, the scanner first places what it knows, longest first: the curated names
of people and organisations, their titles, and the words that are never names (places, months,
agreements, headline words; `NOT_NAMES`, `CAPITALISED_WORDS`). Whatever capitalised words are
left form an unresolved mention: a name nobody has curated. A curated name that the text prints
differently (a misspelling) is only known if a curator wrote it down, so a misspelling is an
unresolved mention until it is recorded and noted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Capitalised tokens: words (with inner apostrophes, dots, ampersands or hyphens) and initials.
_TOKEN = re.compile(r"[A-Z][\w'’.&-]*|\d+[A-Z][\w]*|[A-Z]\d+")
# Words inside a name ("Ministry of Trade", "Office of the U.S. Trade Representative"); "and"
# is not one: it joins two names more often than it stands inside one.
_CONNECTOR = r"(?:of|for|the|de|of the)"
_RUN = re.compile(  # looked ahead for: what a token begins with (the same matches, sooner)
    rf"(?=[A-Z\d])(?:{_TOKEN.pattern})(?:(?:[^\S\n]+(?:{_CONNECTOR}[^\S\n]+)?|-)(?:{_TOKEN.pattern}))*"
)
_POSSESSIVE = re.compile(r"(?:['’]s?|\.)+$")
_PART = re.compile(r"[^-]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+")

# Places, peoples, agreements, laws, months and days: capitalised, and never a person or an
# organisation. Matched whole, like names (so "South Korea" is one entry).
NOT_NAMES: tuple[str, ...] = (
    # places and countries
    "United States",
    "U.S.",
    "US",
    "USA",
    "America",
    "South Korea",
    "Korea",
    "Seoul",
    "Washington",
    "D.C.",
    "DC",
    "South Carolina",
    "Texas",
    "Hamburg",
    "Germany",
    "Emmitsburg",
    "Md.",
    "Japan",
    "Oval Office",
    "APEC",
    # peoples and adjectives
    "American",
    "AMERICAN",
    "South Korean",
    "Korean",
    "Korean-made",
    "Asian",
    # agreements, laws and trade terms
    "KORUS",
    "Korus",
    "FTA",
    "Free Trade Agreement",
    "Agreement",
    "Trade Expansion Act",
    "Section",
    "FDI",
    "OCTG",
    "Korea-US",
    "US-Korea",
    "U.S.-Korea",
    "U.S.-South Korea",
    "Chaebol",
    # months and days
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

# Titles, known before any curation so that a title next to a name is seen even when no role
# has been written for it yet (the curated titles are added to these).
TITLES: tuple[str, ...] = (
    "President",
    "Vice President",
    "Prime Minister",
    "Minister",
    "Deputy Minister",
    "Vice Minister",
    "Ambassador",
    "Secretary",
    "Secretary of Commerce",
    "Commerce Secretary",
    "Treasury Secretary",
    "Trade Representative",
    "U.S. Trade Representative",
    "Deputy U.S. Trade Representative",
    "Assistant U.S. Trade Representative",
    "director general",
    "Director General",
    "Senator",
    "Governor",
    "Chairman",
    "Chief Executive",
)

# Words capitalised because they begin a sentence or stand in a headline, never names.
CAPITALISED_WORDS = frozenset(
    (
        "A",
        "According",
        "Additionally",
        "Ahead",
        "An",
        "And",
        "Another",
        "As",
        "At",
        "Background",
        "Billion",
        "Both",
        "Boosting",
        "Brings",
        "Cars",
        "Coming",
        "Conclusion",
        "Deal",
        "Disarm",
        "Discussions",
        "Enlists",
        "Examine",
        "Execs",
        "From",
        "He",
        "Hopefully",
        "However",
        "I",
        "If",
        "In",
        "Invests",
        "It",
        "Located",
        "Looking",
        "Looks",
        "Meet",
        "Meetings",
        "Next",
        "Now",
        "Officials",
        "On",
        "One",
        "Options",
        "Outside",
        "Presidents",
        "Renegotiate",
        "See",
        "Since",
        "Skip",
        "Some",
        "Soon",
        "Statement",
        "Summit",
        "The",
        "These",
        "This",
        "Threat",
        "Trade",
        "Watch",
        "We",
        "When",
        "While",
        "You",
    )
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    entity: str | None  # the person's or organisation's id; None for a title or an unresolved name


@dataclass(frozen=True)
class NameScan:
    resolved: list[Mention]  # curated names, with their entity
    titles: list[Mention]  # curated titles
    unresolved: list[Mention]  # capitalised words nothing accounts for


class NameIndex:
    """The curated names and titles with the words that are never names, compiled once into
    one pattern: at each place in a text the longest known phrase wins (leftmost first)."""

    def __init__(
        self, names: Mapping[str, str], titles: Iterable[str], countries: Iterable[str] = ()
    ) -> None:
        """`countries`: the country codes the data use (USA, KOR), which are not names either."""
        self.known: dict[str, tuple[str, str | None]] = {
            p: ("not", None) for p in (*NOT_NAMES, *countries)
        }
        self.known |= {t: ("title", None) for t in (*TITLES, *titles) if t}
        self.known |= {n: ("name", entity) for n, entity in names.items()}
        phrases = sorted(self.known, key=lambda p: (-len(p), p))
        # the characters a phrase begins with, looked ahead for, so that the phrases are tried
        # at those places alone (the same matches, in well under half the time)
        first = "".join(re.escape(c) for c in sorted({p[:1] for p in phrases}))
        ahead = f"(?=[{first}])" if phrases and all(phrases) else ""
        self.pattern = re.compile(
            ahead + r"(?<![\w])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\w])"
        )

    def scan(self, text: str) -> NameScan:
        """Every name in `text`, placed against what the index knows."""
        taken = [False] * len(text)
        resolved: list[Mention] = []
        found_titles: list[Mention] = []
        for match in self.pattern.finditer(text):
            start, end = match.span()
            taken[start:end] = [True] * (end - start)
            what, entity = self.known[match.group()]
            if what == "name":
                resolved.append(Mention(start, end, match.group(), entity))
            elif what == "title":
                found_titles.append(Mention(start, end, match.group(), None))
        unresolved: list[Mention] = []
        line_start = 0
        for line in text.splitlines(keepends=True):
            if not _is_heading(line):
                unresolved.extend(_leftovers(text, line_start, line_start + len(line), taken))
            line_start += len(line)
        return NameScan(resolved, found_titles, unresolved)


def _is_heading(line: str) -> bool:
    """An all-capitals line of several words ("LEVELING THE PLAYING FIELD: ...")."""
    words = _LATIN_WORD.findall(line.split(":")[0])
    return len(words) >= 2 and all(w.isupper() for w in words)


def _leftovers(text: str, start: int, end: int, taken: list[bool]) -> list[Mention]:
    """Capitalised words of runs in text[start:end] that nothing known covers, each unbroken
    stretch of them one mention. A lone capitalised word opening a sentence is capitalised for
    its place, not as a name, unless it is all capitals (an acronym)."""
    found: list[Mention] = []
    for run in _RUN.finditer(text, start, end):
        groups: list[list[tuple[int, int]]] = [[]]
        for token in _TOKEN.finditer(text, run.start(), run.end()):
            word = _POSSESSIVE.sub("", token.group())
            a, b = token.start(), token.start() + len(word)
            if "-" in word:  # each part of a hyphenated word on its own
                parts = [(m.start() + a, m.end() + a) for m in _PART.finditer(word)]
            else:
                parts = [(a, b)] if word else []
            if all(_accounted(text, p, q, taken) for p, q in parts):
                groups.append([])
            else:
                groups[-1].append((a, b))
        for group in filter(None, groups):
            a, b = group[0][0], group[-1][1]
            lone = len(group) == 1 and not text[a:b].isupper()
            if lone and _opens_sentence(text, start, a):
                continue
            found.append(Mention(a, b, text[a:b], None))
    return found


def _opens_sentence(text: str, line_start: int, at: int) -> bool:
    before = text[line_start:at].rstrip(" \t\u00a0\"“‘'(")
    return not before or before.endswith((".", "!", "?", ":"))


def _accounted(text: str, start: int, end: int, taken: list[bool]) -> bool:
    word = text[start:end]
    return (
        all(taken[start:end])
        or word in CAPITALISED_WORDS
        or not word[:1].isupper()
        or len(word) == 1
    )


def adjacent_titles(text: str, scan: NameScan) -> list[tuple[Mention, Mention]]:
    """(title, name) pairs where a title stands next to a person's name: right before it
    ("Deputy Minister Myung-hee Yoo", "US Vice President Mike Pence") or after a comma
    ("Michael Beeman, assistant U.S. trade representative")."""
    pairs = []
    starts = {m.start for m in scan.resolved}
    for name in scan.resolved:
        for title in scan.titles:
            if title.end <= name.start:
                between = text[title.end : name.start]
                if re.fullmatch(r"[^\S\n]*(?:\([A-Z]+\)[^\S\n]*)?", between):
                    pairs.append((title, name))
            elif name.end <= title.start and re.fullmatch(
                r",[^\S\n]*", text[name.end : title.start]
            ):
                # an appositive, unless the title opens the next name ("..., President Trump")
                rest = len(text[title.end :]) - len(text[title.end :].lstrip(" \t"))
                if title.end + rest not in starts:
                    pairs.append((title, name))
    return pairs
