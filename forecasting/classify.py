"""Demand classification by Syntetos & Boylan (2005): ADI and CV² of the non-zero sizes.

* ADI, the average demand interval: periods per period with demand (``n / nonzero``).
* CV², the squared coefficient of variation of the non-zero demand sizes.

With the cut-offs ADI = 1.32 and CV² = 0.49: smooth (regular, stable), erratic (regular, sizes
vary), intermittent (sporadic, stable sizes), lumpy (sporadic, sizes vary). A series without
any demand is ``no_demand``. The class decides which models the engine tries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "no_demand")
INTERMITTENT_CLASSES = frozenset({"intermittent", "lumpy"})


@dataclass(frozen=True)
class DemandClass:
    """The class of one series and the two figures it comes from.

    Attributes
    ----------
    label:
        One of :data:`CLASSES`.
    adi:
        Average demand interval (``inf`` without demand).
    cv2:
        Squared coefficient of variation of the non-zero sizes (0 with fewer than two).
    """

    label: str
    adi: float
    cv2: float

    @property
    def intermittent(self) -> bool:
        """Whether the intermittent-demand models apply (intermittent or lumpy)."""
        return self.label in INTERMITTENT_CLASSES


def classify_demand(y: np.ndarray) -> DemandClass:
    """Classify one series by ADI and CV² (see the module docstring).

    Values are taken as they are: a negative value counts as a (non-zero) demand.
    """
    values = np.asarray(y, dtype=np.float64)
    sizes = values[values != 0]
    if sizes.size == 0:
        return DemandClass("no_demand", float("inf"), 0.0)
    adi = values.size / sizes.size
    mean = float(np.mean(sizes))
    cv2 = float(np.var(sizes) / mean ** 2) if sizes.size > 1 and mean != 0 else 0.0
    regular = adi < ADI_CUTOFF
    stable = cv2 < CV2_CUTOFF
    if regular:
        label = "smooth" if stable else "erratic"
    else:
        label = "intermittent" if stable else "lumpy"
    return DemandClass(label, float(adi), cv2)
