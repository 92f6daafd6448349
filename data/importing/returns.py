"""Returns and cancellations in a sales export, kept apart from demand.

A sales line is a return when its quantity is negative, when its order number is a credit
note's (UCI-style ``C536379`` beside numeric invoices, or ``CN-...``/``RMA...``), when its
document type says so (銷退, 折讓, credit memo, return), or when its status says the order was
cancelled or refunded. Such lines go to ``returns.csv`` with the reason, are counted in the
summary, and are neither errors nor demand.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from salesflow.data.i18n import N_, _
from salesflow.data.importing.cells import map_distinct

RETURN_COLUMNS = ("file", "row", "order_id", "order_date", "customer_id", "sku", "quantity",
                  "unit_price", "reason")
RETURN_REASONS = (N_("credit note number"), N_("negative quantity"),
                  N_("negative price (adjustment)"))
"""The fixed reasons a sales line is taken as a return (returns.csv keeps them in English;
:func:`reason_words` words them for people); ``status X`` and ``document type X`` carry the
export's own word."""


def reason_words(reason: str) -> str:
    """A return reason of returns.csv in the current language."""
    for prefix, words in (("status ", N_("status {value}")),
                          ("document type ", N_("document type {value}"))):
        if reason.startswith(prefix):
            return _(words).format(value=reason[len(prefix):])
    return _(reason) if reason in RETURN_REASONS else reason


#: Words of a return or cancellation, at the start of a word in the alphabetic languages
#: (``Cancelled``, ``partially_refunded``, ``OrderCancelled``, ``Devolución``, ``Storniert``,
#: ``Annulée``, ``RMA 12``; but not ``Confirmado`` nor ``Normandie``), anywhere in Chinese
#: (``已取消``, ``退款成功``, a shop's ``不成立``: an order that never came about).
_CREDIT_WORDS = re.compile(r"(?:(?<![^\W_])|(?<=[a-z])(?=[A-Z]))"
                           r"(?i:credit|return|refund|cancel|void|rma|retour|storn|annul|anulad|"
                           r"devolu|reembols|rembours|gutschrift)|"
                           r"銷退|退貨|折讓|作廢|取消|退款|不成立|销退|退货|折让|作废")
_CREDIT_PREFIX = re.compile(r"^(?:C|CN|CR|RMA)[-_ ]?\d+$", flags=re.IGNORECASE)
_DIGITS = re.compile(r"^\d+$")


def _credit_numbers(order_ids: pd.Series) -> np.ndarray:
    """Order numbers of credit notes: a letter prefix on numbers the other orders write bare
    (``C536379`` among ``536365``...)."""
    prefixed = map_distinct(order_ids, lambda t: bool(_CREDIT_PREFIX.match(t)), bool, False)
    if not prefixed.any():
        return prefixed
    plain = map_distinct(order_ids, lambda t: bool(_DIGITS.match(t)), bool, False)
    return prefixed if plain.sum() > prefixed.sum() else np.zeros(len(order_ids), dtype=bool)


def return_reasons(frame: pd.DataFrame) -> pd.Series:
    """The reason each sales line is a return ("" for demand).

    ``frame`` has the sales fields (``quantity`` and, when the export has them, ``order_id``,
    ``doc_type``, ``status``).
    """
    reason = pd.Series("", index=frame.index, dtype=object)
    if "status" in frame:
        words = frame["status"].astype(str)
        hit = map_distinct(words, lambda t: bool(_CREDIT_WORDS.search(t)), bool, False)
        reason[hit] = "status " + words[hit]
    if "doc_type" in frame:
        kinds = frame["doc_type"].astype(str)
        hit = map_distinct(kinds, lambda t: bool(_CREDIT_WORDS.search(t)), bool, False) \
            & (reason == "").to_numpy()
        reason[hit] = "document type " + kinds[hit]
    if "order_id" in frame:
        hit = _credit_numbers(frame["order_id"]) & (reason == "").to_numpy()
        reason[hit] = "credit note number"
    negative = (frame["quantity"].to_numpy() < 0) & (reason == "").to_numpy()
    reason[negative] = "negative quantity"
    if "unit_price" in frame:
        price = frame["unit_price"].to_numpy()
        hit = (price < 0) & (reason == "").to_numpy()
        reason[hit] = "negative price (adjustment)"
    return reason
