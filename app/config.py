"""Settings read from the environment; the one place that knows their names and defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'korus.db'}"


def normalise_database_url(url: str) -> str:
    """Accept the URLs people write (``postgres://``, ``postgresql://``) and pick psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    seed_dir: Path = ROOT / "seed"
    host: str = "127.0.0.1"
    port: int = 8000
    cache_max_age: int = 60
    gzip_minimum_size: int = 1024
    rate_limit_per_minute: int = 0  # per client address; 0 turns rate limiting off
    threads: int = 8  # worker threads per process for routes (database work)
    heavy_requests: int = 2  # per process: exports and whole-list CSVs at once (more: 503)
    response_cache_mb: int = 64  # serialised responses kept per process; 0 turns the cache off
    version_check_seconds: float = 1.0  # how long a read of the dataset version is trusted
    access_log: bool = False  # uvicorn's line per request (costs ~40% of a cached answer)
    seed_workers: bool = True  # worker processes for a large seed's reading and loading
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", normalise_database_url(self.database_url))

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            seed_dir=Path(env.get("KORUS_SEED_DIR") or ROOT / "seed"),
            host=env.get("HOST") or "127.0.0.1",
            port=int(env.get("PORT") or 8000),
            rate_limit_per_minute=int(env.get("RATE_LIMIT_PER_MINUTE") or 0),
            heavy_requests=int(env.get("HEAVY_REQUESTS") or 2),
            threads=int(env.get("THREADS") or 8),
            response_cache_mb=int(env.get("RESPONSE_CACHE_MB") or 64),
            version_check_seconds=float(env.get("VERSION_CHECK_SECONDS") or 1.0),
            access_log=_flag(env.get("ACCESS_LOG"), default=False),
            seed_workers=_flag(env.get("SEED_WORKERS"), default=True),
        )


def _flag(value: str | None, *, default: bool) -> bool:
    """An on/off setting: 1, true, yes or on; 0, false, no or off; unset (or empty): `default`."""
    if not value:
        return default
    return value.lower() in ("1", "true", "yes", "on")


@lru_cache
def get_settings() -> Settings:
    return Settings.from_env()
