"""Quantities written for people: money as money (`US$27.65 billion`), never `2.765e+10`."""

from __future__ import annotations

_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def format_quantity(value: float, unit: str) -> str:
    """`value` in `unit` as a reader would write it, to six significant digits at most."""
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    for size, word in _SCALES:
        if magnitude >= size:
            number = f"{magnitude / size:.6g} {word}"
            break
    else:
        number = f"{magnitude:,.6g}" if magnitude >= 1e-4 or magnitude == 0 else f"{magnitude:.6g}"
    if unit == "USD":
        return f"{sign}US${number}"
    if unit == "percent":
        return f"{sign}{number}%"
    return f"{sign}{number} {unit}"
