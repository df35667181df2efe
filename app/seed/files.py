"""Which files make up a seed, and reading one within bounds.

Every kind has its file (`KIND.yaml`, or files in `KIND/`): a kind with no entries says so with
`KIND: []`, so that a missing file is an error, never "no entries". A seed file, like a source
text, must be a regular file inside the seed directory (a link that leads outside it, to a
device or to a pipe is refused before it is opened for reading) and at most MAX_FILE_BYTES.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from app.identity import code_identity

MAX_FILE_BYTES = 64 * 1024 * 1024  # a JSON Lines file; 20,000 statistics take ~15 MB
MAX_YAML_BYTES = 8 * 1024 * 1024  # a YAML file (written by people; the largest KORUS one: 40 KB)
MAX_TEXT_BYTES = 16 * 1024 * 1024  # a source text


def limit_for(path: Path) -> int:
    return MAX_FILE_BYTES if path.suffix == ".jsonl" else MAX_YAML_BYTES


class SeedFileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def seed_files(root: Path, kind: str) -> list[Path]:
    """`KIND.yaml` and/or every `KIND/*.yaml` and `KIND/*.jsonl`, in a fixed order. Whatever
    stands at those names is listed (a pipe or a dangling link too): reading refuses it."""
    files = []
    single = root / f"{kind}.yaml"
    if single.exists() or single.is_symlink():
        files.append(single)
    folder = root / kind
    if folder.is_dir():
        files.extend(sorted([*folder.glob("*.yaml"), *folder.glob("*.jsonl")]))
    return files


def read_bounded(root: Path, path: Path, limit: int) -> bytes:
    """The bytes of a seed file, if it is a regular file inside `root` of at most `limit`."""
    return read_regular(inside(root, path), limit)


def inside(root: Path, path: Path) -> Path:
    """Where `path` leads, if that is inside `root`."""
    return leads_into(root.resolve(), path)


def leads_into(base: Path, path: Path) -> Path:
    """Where `path` leads, if that is inside `base`, a folder already resolved (for a loop over
    many paths: resolving the folder again for each took as long as resolving the path)."""
    resolved = path.resolve()
    if base not in resolved.parents:
        raise SeedFileError(f"leads outside the seed directory (to {resolved})")
    return resolved


def read_regular(resolved: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` (a path `inside` already resolved)."""
    try:
        # Non-blocking, so that opening a pipe cannot hang; its type is checked before reading.
        fd = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise SeedFileError(f"cannot be opened: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SeedFileError("is not a regular file (a device, a pipe or a folder)")
        if info.st_size > limit:
            raise SeedFileError(
                f"has {info.st_size:,} bytes; such a file may have at most {limit:,} "
                "(more entries go in JSON Lines parts: KIND/*.jsonl)"
            )
        # as much as the file holds (asking for `limit` would set that much memory aside for
        # each text), then, if it grew meanwhile, on up to the bound
        data = handle.read(info.st_size + 1)
        if len(data) > info.st_size:
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise SeedFileError(f"grew past {limit:,} bytes while it was read")
    return data


def read_as_checked(resolved: Path, sha256: str) -> str | None:
    """A source text read again, if its bytes still have the digest it was checked with (None:
    it changed since). The loader and its workers read texts again only so."""
    data = read_regular(resolved, MAX_TEXT_BYTES)
    if hashlib.sha256(data).hexdigest() != sha256:
        return None
    return data.decode("utf-8")


def seed_digest(root: Path) -> str:
    """Digest of every file under the seed directory (paths and bytes) and of the code that
    checks and loads them: when it equals the digest of the last load, the seed is what that
    load read, checked and wrote, and need not be read again. A seed with a symbolic link, a
    pipe, a device or an unreadable file in it gets a digest that matches nothing."""
    digest = hashlib.sha256(code_identity().encode() + b"\0")
    base = root.resolve()
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        for name in sorted([*dirs, *files]):
            path = Path(folder) / name
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                # a link's target may change unseen; a pipe or a device is never read here
                # (the reader refuses it): either way, read the seed again
                return "unsettled-" + os.urandom(8).hex()
            if name in dirs:
                continue
            digest.update(path.relative_to(base).as_posix().encode() + b"\0")
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            except OSError:
                return "unsettled-" + os.urandom(8).hex()
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return "unsettled-" + os.urandom(8).hex()
                while block := handle.read(1 << 20):
                    digest.update(block)
            digest.update(b"\0")
    return digest.hexdigest()[:32]
