"""A throwaway PostgreSQL server for the test run: initdb in a temporary directory, a free
loopback port, trust authentication, stopped and removed when the run ends.

Set KORUS_TEST_POSTGRES_URL to use a server you already run instead (its user must be able
to create databases). A missing PostgreSQL is an error, never a skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.helpers import free_port


def _bindir() -> Path:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found; run `make postgres` (installs Debian's package)"
        )
    return Path(candidates[0]).parent


@dataclass
class PostgresServer:
    admin_url: str  # a libpq URL to the maintenance database
    host: str
    port: int
    user: str
    _datadir: Path | None = None
    _bindir: Path | None = None
    _run_as: list[str] | None = None

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self) -> str:
        name = "korus_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self._datadir is None or self._bindir is None:
            return
        subprocess.run(
            [
                *(self._run_as or []),
                str(self._bindir / "pg_ctl"),
                "-D",
                str(self._datadir),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self._datadir.parent, ignore_errors=True)


def start_postgres() -> PostgresServer:
    external = os.environ.get("KORUS_TEST_POSTGRES_URL")
    if external:
        info = psycopg.conninfo.conninfo_to_dict(external)
        return PostgresServer(
            external,
            str(info.get("host", "127.0.0.1")),
            int(info.get("port", 5432)),
            str(info.get("user", "postgres")),
        )
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="korus-pg-"))
    datadir = root / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:
        # initdb and postgres refuse to run as root: run them as the postgres system user.
        shutil.chown(root, "postgres")
        os.chmod(root, 0o700)
        run_as = ["runuser", "-u", "postgres", "--"]
    user = "korus"
    subprocess.run(
        [
            *run_as,
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-o",
            options,
            "-l",
            str(root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    admin = f"postgresql://{user}@127.0.0.1:{port}/postgres"
    deadline = time.monotonic() + 30
    while True:
        try:
            psycopg.connect(admin).close()
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    return PostgresServer(admin, "127.0.0.1", port, user, datadir, bindir, run_as)
