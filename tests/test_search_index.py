"""The search index follows the documents it indexes, row by row: a reload finds what an edit
added, no longer finds what it removed, and on SQLite leaves the index entries of every other
document as they were (migration 0016), on both databases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from app import schema
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.queries import search_index
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.conftest import SEED_DIR
from tests.helpers import edit

LABEL = "label: U.S. goods exports to Korea in 2016"
# a word no document of the seed holds
WORD = "quetzalcoatl"


@pytest.fixture
def api(migrated_url: str) -> Iterator[TestClient]:
    # no response cache: each answer is read from the database as it is now
    app = create_app(Settings(database_url=migrated_url, response_cache_mb=0))
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def _found(api: TestClient, q: str) -> list[tuple[str, str]]:
    response = api.get("/v1/search", params={"q": q, "limit": 100})
    assert response.status_code == 200
    return [(hit["type"], hit["id"]) for hit in response.json()["items"]]


def _index_agrees_with_its_documents(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's search vector is a generated column of the row itself
    with engine.begin() as conn:
        # FTS5 compares each index with the versions it holds; a mismatch is an error
        for index in search_index.INDEXES:
            conn.execute(text(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)"))


def test_search_follows_an_edit_and_a_removal(
    engine: Engine, seed_copy: Path, api: TestClient
) -> None:
    load_seed(engine, read_seed(seed_copy))
    _index_agrees_with_its_documents(engine)
    assert _found(api, WORD) == []
    assert ("milestone", "section-232-tariffs-announced-2018-03-08") in _found(
        api, "Section 232 tariffs announced"
    )

    edit(seed_copy / "statistics.yaml", LABEL, f"{LABEL} ({WORD})")
    report = load_seed(engine, read_seed(seed_copy))
    assert report.counts["search_document"] == {"inserted": 0, "updated": 1, "deleted": 0}
    _index_agrees_with_its_documents(engine)
    assert _found(api, WORD) == [("statistic", "as-exports-2016")]

    milestones = seed_copy / "milestones.yaml"
    text_ = milestones.read_text(encoding="utf-8")
    start = text_.index("  - id: section-232-tariffs-announced-2018-03-08")
    end = text_.index("  - id: amended-korus-announced-2018-03-28")
    milestones.write_text(text_[:start] + text_[end:], encoding="utf-8")
    report = load_seed(engine, read_seed(seed_copy))
    assert report.counts["search_document"]["deleted"] == 1
    _index_agrees_with_its_documents(engine)
    assert ("milestone", "section-232-tariffs-announced-2018-03-08") not in _found(
        api, "Section 232 tariffs announced"
    )
    assert _found(api, WORD) == [("statistic", "as-exports-2016")]


def test_an_edit_rewrites_its_own_search_entries_and_nothing_else(
    engine: Engine, seed_copy: Path
) -> None:
    sqlite = engine.dialect.name == "sqlite"

    def written() -> set[tuple[int, bytes | str]]:
        with engine.connect() as conn:
            if sqlite:  # FTS5's segments, without its records of the whole (averages, structure)
                rows = conn.execute(text("SELECT id, block FROM search_fts_data WHERE id > 10"))
            else:  # each row's version: an updated row gets a new xmin
                rows = conn.execute(text("SELECT pk, xmin::text FROM search_document"))
            return {(row[0], row[1]) for row in rows}

    load_seed(engine, read_seed(seed_copy))
    before = written()
    edit(seed_copy / "statistics.yaml", LABEL, f"{LABEL} ({WORD})")
    load_seed(engine, read_seed(seed_copy))
    after = written()
    if sqlite:
        # the edit is a new segment beside the old ones (its words, and the old label's
        # deletion), not the whole index written again as a rebuild would
        assert before < after
    else:
        assert len(before - after) == len(after - before) == 1
    _index_agrees_with_its_documents(engine)


@pytest.fixture
def sqlite_engine(make_database: Callable[[str], str]) -> Iterator[Engine]:
    """A migrated SQLite database of its own: FTS5's index is SQLite's alone (PostgreSQL's search
    vector is a generated column of each row, never behind)."""
    url = make_database("sqlite")
    schema.upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_the_index_catches_up_with_any_sequence_of_writes(sqlite_engine: Engine) -> None:
    """Whatever happens to the documents in one transaction (a row inserted then edited, edited
    twice, deleted, deleted and written again under the same key), the index ends up saying
    what they say: by forgetting and indexing the few noted, or by a rebuild for many."""
    engine = sqlite_engine
    load_seed(engine, read_seed(SEED_DIR))
    with engine.begin() as conn:
        pks = list(conn.execute(text("SELECT pk FROM search_document ORDER BY pk")).scalars())
        a, b, c = pks[:3]
        conn.execute(
            text(
                "INSERT INTO search_document (pk, type, ref_id, title, body, url) "
                "VALUES (:pk, 'milestone', 'new-one', 'first words', 'zebra', '/x')"
            ),
            {"pk": pks[-1] + 1},
        )
        conn.execute(text(f"UPDATE search_document SET body = '{WORD}' WHERE ref_id = 'new-one'"))
        for word in ("okapi", "tapir"):
            conn.execute(
                text("UPDATE search_document SET title = :w WHERE pk = :pk"), {"w": word, "pk": a}
            )
        conn.execute(text("DELETE FROM search_document WHERE pk = :pk"), {"pk": b})
        row = (
            conn.execute(text("SELECT * FROM search_document WHERE pk = :pk"), {"pk": c})
            .mappings()
            .one()
        )
        conn.execute(text("DELETE FROM search_document WHERE pk = :pk"), {"pk": c})
        conn.execute(
            text(
                "INSERT INTO search_document (pk, type, ref_id, title, body, url, first_published) "
                "VALUES (:pk, :type, :ref_id, 'narwhal', :body, :url, :first_published)"
            ),
            dict(row),
        )
        # an earlier version of a fact, written and edited: only the index of versions holds it
        conn.execute(
            text(
                "INSERT INTO search_document (pk, type, ref_id, stage, title, body, url) "
                "VALUES (:pk, 'milestone', 'new-one', 1, 'earlier', 'gerenuk', '/x')"
            ),
            {"pk": pks[-1] + 2},
        )
        conn.execute(
            text("UPDATE search_document SET body = 'saiga' WHERE pk = :pk"), {"pk": pks[-1] + 2}
        )
        noted = conn.execute(text("SELECT count(*) FROM search_fts_pending")).scalar_one()
        assert 0 < noted <= search_index.REBUILD_SHARE * len(pks)  # the notes are applied
        search_index.catch_up(conn, changed=True)
        assert conn.execute(text("SELECT count(*) FROM search_fts_pending")).scalar_one() == 0

        def matches(word: str, index: str = "search_fts") -> list[int]:
            found = conn.execute(
                text(f"SELECT rowid FROM {index} WHERE {index} MATCH :w ORDER BY rowid"),
                {"w": word},
            )
            return list(found.scalars())

        new = pks[-1] + 1
        assert (matches(WORD), matches("zebra"), matches("okapi")) == ([new], [], [])
        assert (matches("tapir"), matches("narwhal")) == ([a], [c])
        for index in search_index.INDEXES:
            assert matches("saiga", index) == ([new + 1] if index != "search_fts" else [])
            assert matches("gerenuk", index) == []
            assert matches(WORD, index) == [new] and matches("narwhal", index) == [c]
        # and a change of most documents rebuilds the index whole, to the same end
        conn.execute(text("UPDATE search_document SET title = title || ' dugong'"))
        search_index.catch_up(conn, changed=True)
        count = "SELECT count(*) FROM search_document"
        current = conn.execute(text(f"{count} WHERE stage = 0")).scalar_one()
        assert len(matches("dugong")) == current
        assert len(matches("dugong", "search_versions_fts")) == len(pks) - 1 + 2
    _index_agrees_with_its_documents(engine)


def test_each_index_gathers_its_words_in_memory_before_writing_them(sqlite_engine: Engine) -> None:
    """FTS5 writes an index's words out as a new segment each time the words it gathered pass
    its `hashsize` (1 MB unless set): a load sets it to GATHER_BYTES for each index, once, and
    the index still holds exactly its documents' words."""
    engine = sqlite_engine
    with engine.begin() as conn:  # as migrated: FTS5's own default
        for index in search_index.INDEXES:
            kept = text(f"SELECT v FROM {index}_config WHERE k = 'hashsize'")
            assert conn.execute(kept).scalar() is None
    load_seed(engine, read_seed(SEED_DIR))
    _index_agrees_with_its_documents(engine)
    with engine.begin() as conn:
        for index in search_index.INDEXES:
            kept = text(f"SELECT v FROM {index}_config WHERE k = 'hashsize'")
            assert conn.execute(kept).scalar() == search_index.GATHER_BYTES == 16 * 1024 * 1024
        # caught up again (a document rewritten): the setting is there, and is not written again
        conn.execute(text("UPDATE search_document SET body = body || ' okapi' WHERE pk = 1"))
        writes: list[str] = []
        conn.connection.dbapi_connection.set_trace_callback(writes.append)  # type: ignore[union-attr]
        search_index.catch_up(conn, changed=True)
        conn.connection.dbapi_connection.set_trace_callback(None)  # type: ignore[union-attr]
        assert not [w for w in writes if "hashsize" in w and w.lstrip().startswith("INSERT")]
        assert conn.execute(
            text("SELECT rowid FROM search_fts WHERE search_fts MATCH 'okapi'")
        ).scalars().all() == [1]
