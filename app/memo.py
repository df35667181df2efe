"""A bounded memo: values kept by key and let go all at once when it is full. There is no order
to keep and no lock: two threads that make the same value at once make the same value."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._values: dict[Hashable, V] = {}

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for `key`, made (and kept) on first use. `make` never returns None."""
        found = self._values.get(key)
        if found is None:
            found = make()
            if len(self._values) >= self._kept:
                self._values.clear()
            self._values[key] = found
        return found
