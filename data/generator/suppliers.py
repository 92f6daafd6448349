"""Suppliers: their categories, terms and names, and which supplier delivers each SKU."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from salesflow.data.generator.labels import ids
from salesflow.data.generator.words import SUPPLIER_FORMS, SUPPLIER_PREFIXES

if TYPE_CHECKING:
    from salesflow.data.generator.sizes import SizeSpec
    from salesflow.data.generator.words import Category


def _share_mask(n: int, share: float, rng: np.random.Generator) -> np.ndarray:
    """Exactly ``round(share * n)`` randomly placed True values."""
    return rng.permutation(np.arange(n) < round(share * n))


def supplier_categories(n_suppliers: int, n_categories: int,
                        rng: np.random.Generator) -> np.ndarray:
    """Primary category of each supplier; every category gets one when there are enough."""
    order = rng.permutation(n_categories)
    return order[np.arange(n_suppliers) % n_categories]


def assign_suppliers(category: np.ndarray, primary: np.ndarray,
                     rng: np.random.Generator) -> np.ndarray:
    """Supplier of each SKU: a specialist of its category (a few from any supplier)."""
    n_suppliers = len(primary)
    size = rng.lognormal(0.0, 0.6, n_suppliers)
    supplier = np.empty(len(category), dtype=np.int64)
    for c in np.unique(category):
        members = rng.permutation(np.flatnonzero(category == c))
        specialists = np.flatnonzero(primary == c)
        if len(specialists) == 0:
            specialists = np.array([c % n_suppliers])
        p = size[specialists] / size[specialists].sum()
        chosen = rng.choice(specialists, len(members), p=p)
        first = min(len(members), len(specialists))
        chosen[:first] = specialists[:first]
        supplier[members] = chosen
    generalist = rng.random(len(category)) < 0.05
    supplier[generalist] = rng.integers(0, n_suppliers, int(generalist.sum()))
    return supplier


def suppliers_table(spec: SizeSpec, categories: tuple[Category, ...], primary: np.ndarray,
                    rng: np.random.Generator) -> pd.DataFrame:
    n = spec.n_suppliers
    total = len(SUPPLIER_PREFIXES) * len(SUPPLIER_FORMS)
    combos = rng.choice(total, n, replace=n > total)
    names = [f"{SUPPLIER_PREFIXES[k // len(SUPPLIER_FORMS)]} "
             f"{categories[c].supplier_word} {SUPPLIER_FORMS[k % len(SUPPLIER_FORMS)]}"
             for k, c in zip(combos, primary, strict=True)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):  # a repeated name only when n > total (xlarge)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[i] = f"{name} {seen[name]}"
    lead = np.clip(np.round(2 + rng.gamma(1.3, 4.0, n)), 2, 28).astype(np.int64)
    order_cost = np.round(np.exp(rng.uniform(np.log(30), np.log(300), n)), 2)
    mov = np.round(np.exp(rng.uniform(np.log(200), np.log(5000), n)) / 50) * 50
    mov = np.where(_share_mask(n, 0.35, rng), 0.0, mov)
    patterns = np.array(["Mon;Thu", "Tue", "Wed", "Mon;Wed;Fri", "Tue;Thu", "Thu"],
                        dtype=object)
    weekdays = np.where(_share_mask(n, 0.3, rng), patterns[rng.integers(0, len(patterns), n)],
                        "")
    return pd.DataFrame({
        "supplier_id": ids("SUP", n, max(2, len(str(n)))), "name": names,
        "lead_time_days": lead, "order_cost": order_cost, "min_order_value": mov,
        "order_weekdays": weekdays,
    })
