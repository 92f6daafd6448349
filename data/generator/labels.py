"""Identifiers, distinct names and clock times as text."""

from __future__ import annotations

import math

import numpy as np


def ids(prefix: str, count: int, width: int | None = None) -> np.ndarray:
    """``prefix`` + 1..count zero-padded to the width of ``count`` (or ``width``)."""
    width = width or len(str(count))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, count + 1)], dtype=object)


def minutes_text(minutes: np.ndarray) -> np.ndarray:
    """``HH:MM`` for each number of minutes after midnight."""
    table = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60 + 1)], dtype=object)
    return table[np.asarray(minutes, dtype=np.int64)]


def unique_names(n: int, parts: tuple[tuple[str, ...], ...], rng: np.random.Generator,
                 sep: str = " ") -> list[str]:
    """``n`` distinct names, each one word from every list of ``parts``."""
    sizes = [len(p) for p in parts]
    total = math.prod(sizes)
    picks = rng.choice(total, n, replace=n > total)
    names = []
    for k in picks:
        words = []
        for part, size in zip(reversed(parts), reversed(sizes), strict=True):
            words.append(part[k % size])
            k //= size
        names.append(sep.join(reversed(words)))
    seen: dict[str, int] = {}
    for i, name in enumerate(names):  # only when n > total
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[i] = f"{name} {seen[name]}"
    return names
