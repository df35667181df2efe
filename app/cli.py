"""The korus-facts command: migrate, check and load the seed, and serve the API."""

from __future__ import annotations

import sys
from functools import cached_property, partial
from pathlib import Path
from typing import Annotated, Any

import typer

from app.config import Settings, get_settings

cli = typer.Typer(
    help="korus-facts: a citation-first API for the facts of the KORUS renegotiation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class _Consoles:
    """rich's consoles, made on first use: `serve` should not pay for importing rich."""

    @cached_property
    def out(self) -> Any:
        from rich.console import Console

        return Console()

    @cached_property
    def err(self) -> Any:
        from rich.console import Console

        return Console(stderr=True)


_consoles = _Consoles()

SeedDir = Annotated[
    Path | None,
    typer.Option("--seed-dir", help="Seed directory (default: seed/ of the project)."),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="Database URL (default: $DATABASE_URL or var/korus.db)."),
]


def _settings(database_url: str | None) -> Settings:
    settings = get_settings()
    if database_url:
        settings = Settings(**{**settings.__dict__, "database_url": database_url})
    return settings


def _read(seed_dir: Path | None):  # type: ignore[no-untyped-def]
    from app.seed.reader import SeedError, read_seed

    root = (seed_dir or get_settings().seed_dir).resolve()
    try:
        return read_seed(root)
    except SeedError as exc:
        for issue in exc.issues:
            _consoles.err.print(
                "error", str(issue), style="red", markup=False, highlight=False, soft_wrap=True
            )
        more = f" and {exc.skipped:,} more not listed" if exc.skipped else ""
        more += " (reading stopped there)" if exc.stopped else ""
        _consoles.err.print(
            f"[red]{len(exc.issues)} problem(s){more}; nothing was loaded.[/red]", highlight=False
        )
        raise typer.Exit(1) from None


@cli.command()
def check(
    seed_dir: SeedDir = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
) -> None:
    """Validate the seed (every quote, figure, reference, figure mention and name) without a
    database.

    Lists every figure mention of every source with the fact that cites it or the reason it is
    left out, and every name with the person or organisation it resolves to; fails on any
    problem, an uncovered figure or an unresolved name included."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from app.seed.bundle import coverage

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        console=_consoles.err,
        transient=True,
        disable=not _consoles.err.is_terminal,
    ) as progress:
        progress.add_task("reading and checking the seed", total=None)
        bundle = _read(seed_dir)
    if not quiet:
        for source_id in bundle.texts:
            report = coverage(bundle, source_id)
            _consoles.out.print(
                f"{source_id}: {len(report.mentions)} figure mentions", highlight=False
            )
            for item in report.mentions:
                m = item.mention
                what = (
                    ", ".join(f"{kind} {fact_id}" for kind, fact_id in item.facts)
                    if item.status == "cited"
                    else f"excluded: {item.reason}"
                )
                _consoles.out.print(
                    f"  {m.start:>5}-{m.end:<5} {m.kind:<8} {m.text!r:<22} {what}",
                    markup=False,
                    highlight=False,
                )
    if not quiet:
        for source_id, scan in bundle.name_scans.items():
            _consoles.out.print(
                f"{source_id}: {len(scan.resolved)} names resolved, {len(scan.titles)} titles, "
                f"{len(scan.unresolved)} names excluded",
                highlight=False,
            )
            for mention in scan.resolved:
                _consoles.out.print(
                    f"  {mention.start:>5}-{mention.end:<5} {mention.text!r:<40} {mention.entity}",
                    markup=False,
                    highlight=False,
                )
            for mention in scan.unresolved:
                _consoles.out.print(
                    f"  {mention.start:>5}-{mention.end:<5} {mention.text!r:<40} excluded",
                    markup=False,
                    highlight=False,
                )
        _consoles.out.print("arithmetic checks:", highlight=False)
        for check_id, result in bundle.checks.items():
            style = {"consistent": "green", "inconsistent": "bold red"}.get(
                result.status, "bold yellow"
            )
            _consoles.out.print(
                f"  [{style}]{result.status:<18}[/{style}] {check_id}", highlight=False
            )
            _consoles.out.print(
                f"      {result.explanation}", markup=False, highlight=False, soft_wrap=True
            )
        for d in bundle.discrepancies:
            _consoles.out.print(
                f"discrepancy {d.id}: {d.assessment}, spread {d.relative_spread:.2%}: "
                + ", ".join(f"{m.id} {m.as_reported}" for m in d.members),
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
    counts = ", ".join(f"{len(v)} {k}" for k, v in bundle.entries.items())
    _consoles.out.print(
        f"seed OK: {counts}; {len(bundle.spans)} citations placed; version {bundle.version}"
    )


@cli.command()
def migrate(database_url: DatabaseUrl = None) -> None:
    """Bring the database schema to the latest migration."""
    from app import schema

    settings = _settings(database_url)
    schema.upgrade(settings.database_url)
    _consoles.out.print("schema at head")


@cli.command()
def load(
    seed_dir: SeedDir = None,
    database_url: DatabaseUrl = None,
    allow_deletes: Annotated[
        bool,
        typer.Option(
            "--allow-deletes",
            help="Load even if it deletes more than 20% of a kind's rows (refused otherwise).",
        ),
    ] = False,
) -> None:
    """Validate the seed and load it in one transaction (all or nothing). A seed whose files
    (and this code) are byte for byte those of the last load is not read again."""
    from app import schema
    from app.db import make_engine
    from app.queries.dataset import loaded_seed_digest
    from app.seed.bundle import SourceChanged
    from app.seed.files import seed_digest
    from app.seed.loader import LOAD_STEPS, DeletionRefused, load_seed

    root = (seed_dir or get_settings().seed_dir).resolve()
    settings = _settings(database_url)
    engine = make_engine(settings.database_url)
    digest = seed_digest(root)
    try:
        with engine.connect() as conn:
            at, head = schema.current_revision(conn), schema.head_revision(settings.database_url)
            if at != head:
                _consoles.err.print(
                    f"[red]the database schema is at {at or 'nothing'}, not at {head}: run "
                    "`korus-facts migrate` first. Nothing was loaded.[/red]",
                    highlight=False,
                )
                raise typer.Exit(1)
            version, loaded_digest = loaded_seed_digest(conn)
    finally:
        engine.dispose()
    if loaded_digest == digest:
        _consoles.out.print(
            f"already loaded: version {version}, the seed files are unchanged (not read again)"
        )
        return
    bundle = _read(root)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=_consoles.err,
            transient=True,
            disable=not _consoles.err.is_terminal,
        ) as progress:
            task = progress.add_task("loading", total=len(LOAD_STEPS))

            def advance(name: str) -> None:
                progress.update(task, description=f"loading {name}", advance=1)

            report = load_seed(
                engine, bundle, progress=advance, allow_deletes=allow_deletes, seed_digest=digest
            )
    except (DeletionRefused, SourceChanged) as exc:
        _consoles.err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    changes = {t: c for t, c in report.counts.items() if any(c.values())}
    if not report.changed:
        _consoles.out.print(f"already loaded: version {report.version}, nothing changed")
        return
    _consoles.out.print(f"loaded version {report.version}")
    for table, count in changes.items():
        _consoles.out.print(
            f"  {table}: +{count['inserted']} ~{count['updated']} -{count['deleted']}",
            highlight=False,
        )


@cli.command()
def suggest(
    document: Annotated[
        Path, typer.Argument(help="A new document, UTF-8 text.", exists=True, dir_okay=False)
    ],
    source_id: Annotated[str | None, typer.Option(help="Slug for the source.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")
    ] = None,
) -> None:
    """Scan a new document and draft a seed skeleton: its source entry and one statistic per
    figure mention, with the sentence to cite, for a curator to complete."""
    from app.seed.suggest import dump, skeleton

    text = dump(skeleton(document, source_id))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        _consoles.err.print(f"wrote {output}", highlight=False)


@cli.command("export")
def export_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="File (json) or directory (csv).")],
    format: Annotated[
        str, typer.Option(help="json: one document; csv: one file per list.")
    ] = "json",
    database_url: DatabaseUrl = None,
) -> None:
    """Export the loaded dataset: the same document as GET /v1/export, or CSV files flattened
    as the API's CSV is, each written while it is read (memory: one batch)."""
    from app.db import make_engine
    from app.pagination import batches
    from app.queries.dataset import dataset_version
    from app.queries.export import export_chunks, export_lists
    from app.tabular import csv_pieces

    if format not in ("json", "csv"):
        raise typer.BadParameter("use json or csv", param_hint="--format")
    engine = make_engine(_settings(database_url).database_url)
    try:
        with engine.connect() as conn, conn.begin():
            version = dataset_version(conn)
            if format == "json":
                with output.open("wb") as out:
                    out.writelines(export_chunks(conn))
            else:
                output.mkdir(parents=True, exist_ok=True)
                for name, fetch, sort in export_lists(None):
                    with (output / f"{name}.csv").open("wb") as out:
                        out.writelines(csv_pieces(partial(batches, conn, fetch, sort)))
    finally:
        engine.dispose()
    _consoles.out.print(f"exported version {version} to {output}", highlight=False)


@cli.command("openapi-examples")
def openapi_examples(database_url: DatabaseUrl = None) -> None:
    """Write the OpenAPI document's examples (app/api/examples.json) from the loaded dataset:
    run it after `load` whenever the seed or a response's shape changes."""
    import json

    from starlette.testclient import TestClient

    from app.api.examples import collect
    from app.api.openapi import EXAMPLES
    from app.main import create_app

    base = "http://localhost:8000"
    with TestClient(create_app(_settings(database_url)), base_url=base) as client:

        def get(target: str, accept: str) -> tuple[int, bytes]:
            response = client.get(target, headers={"Accept": accept})
            return response.status_code, response.content

        examples = collect(client.get("/openapi.json").json(), get, base)
    EXAMPLES.write_text(json.dumps(examples, indent=1, ensure_ascii=False) + "\n", "utf-8")
    _consoles.out.print(f"wrote {len(examples)} operations' examples to {EXAMPLES}")


@cli.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface (default: $HOST or 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: $PORT or 8000).")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    access_log: Annotated[
        bool | None,
        typer.Option(help="Log every request (default: $ACCESS_LOG, else off)."),
    ] = None,
) -> None:
    """Serve the API with uvicorn (uvloop and httptools, chosen by measurement), behind the
    limits of app.serving."""
    import os

    import uvicorn

    from app.serving import WORKER_ENV, prepare_process

    settings = get_settings()
    prepare_process()
    if workers > 1:
        os.environ[WORKER_ENV] = "1"  # each worker dies with this process (app.serving)
    uvicorn.run(
        "app.main:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        loop="uvloop",
        # httptools, guarded: limits on heads, bodies, time and connections (app.serving)
        http="app.serving:GuardedHttpToolsProtocol",
        access_log=settings.access_log if access_log is None else access_log,
        proxy_headers=False,
        server_header=False,
    )


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":
    main()
