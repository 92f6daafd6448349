"""The sales table from the sales exports: order numbers, customers, prices, returns apart.

What the exports leave blank and the import fills is stated (see :class:`Assumption`): a
missing customer becomes ``[import] unknown_customer``, a missing order number is made from
customer and date, a missing unit price from the line total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesflow.data.errors import Problem
from salesflow.data.i18n import N_, _, format_number
from salesflow.data.importing.cells import map_distinct
from salesflow.data.importing.convert import DATE_FIELDS, Converted
from salesflow.data.importing.defaults import ImportDefaults
from salesflow.data.importing.returns import RETURN_COLUMNS, return_reasons

_DECIMAL_CODE = re.compile(r"^\d+\.0$")
_BRACKETED = re.compile(r"^\[(?P<sku>[^\]]+)\]\s*(?P<name>.*)$")  # Odoo "[FURN_7800] Desk"


@dataclass(frozen=True)
class Assumption:
    """One stated default: ``table``, ``key`` (``*`` = every row), ``column``, ``value``,
    ``why``."""

    table: str
    key: str
    column: str
    value: str
    why: str


@dataclass
class SalesLines:
    """Demand lines (typed), the returns apart, and product facts seen on the lines."""

    lines: pd.DataFrame
    returns: pd.DataFrame
    names: pd.Series
    categories: pd.Series
    prices: pd.Series


def _split_bracketed(frame: pd.DataFrame) -> pd.DataFrame:
    sku = frame["sku"].astype(str)
    filled = sku[sku != ""]
    if filled.empty or not map_distinct(filled, lambda t: bool(_BRACKETED.match(t)), bool).all():
        return frame
    parts = sku.str.extract(_BRACKETED)
    frame = frame.copy()
    if "name" not in frame:
        frame["name"] = parts["name"].fillna("").to_numpy()
    frame["sku"] = parts["sku"].fillna("").to_numpy()
    return frame


def _order_fields_from_first_line(frame: pd.DataFrame) -> pd.DataFrame:
    """Order-level cells a shop export writes on an order's first line only (Shopify: date,
    e-mail, status) filled in on its other lines."""
    if "order_id" not in frame:
        return frame
    frame = frame.copy()
    for field in ("order_date", "customer_id", "status", "doc_type"):
        if field not in frame:
            continue
        column = frame[field]
        blank = column.isna() if column.dtype.kind == "M" else (column == "")
        if not blank.any() or blank.all():
            continue
        known = column.where(~blank)
        filled = known.groupby(frame["order_id"], sort=False).transform("first")
        frame[field] = column.where(~blank, filled)
        if column.dtype.kind != "M":
            frame[field] = frame[field].fillna("")
    return frame


def _blank_problem(part: pd.DataFrame, field: str, file: str, rule: str) -> Problem | None:
    blank = part[field].isna() if part[field].dtype.kind in "fM" else part[field] == ""
    if not blank.any():
        return None
    rows = part.loc[blank.to_numpy(), "_row"].to_numpy()
    shown = ", ".join(str(int(r)) for r in rows[:5]) + (" ..." if len(rows) > 5 else "")
    return Problem(file, int(rows[0]), field, None,
                   _("{count} sales line(s) have no {field} (rows {rows}); {rule}").format(
                       count=len(rows), field=field, rows=shown, rule=_(rule)))


def _one_file(conv: Converted, defaults: ImportDefaults, problems: list[Problem],
              assumed: list[Assumption]) -> pd.DataFrame:
    frame = _order_fields_from_first_line(_split_bracketed(conv.frame))
    file = conv.file
    for field, rule in (("sku", N_("every line needs its product")),
                        ("quantity", N_("every line needs a quantity"))):
        problem = _blank_problem(frame, field, file, rule)
        if problem:
            problems.append(problem)
    if frame["order_date"].isna().any() and not any(
            p.file == file and p.column is not None
            and conv.mapping.columns.get(p.column) in DATE_FIELDS for p in problems):
        problem = _blank_problem(frame, "order_date", file, N_("every line needs its date"))
        if problem:
            problems.append(problem)
    out = pd.DataFrame({"_file": file, "_row": frame["_row"].to_numpy()}, index=frame.index)
    out["order_date"] = frame["order_date"].to_numpy()
    out["sku"] = _whole_ids(frame["sku"].astype(str), "sku", file, assumed)
    out["quantity"] = frame["quantity"].to_numpy()
    if "customer_id" in frame:
        customer = pd.Series(_whole_ids(frame["customer_id"].astype(str), "customer_id", file,
                                        assumed), index=frame.index)
    elif "customer_name" in frame:  # ERPs that print the name only ("客戶名稱")
        customer = frame["customer_name"].astype(str).str.strip()
        assumed.append(Assumption("sales", "*", "customer_id", "customer name",
                                  _("{file} has customer names but no customer numbers: the "
                                    "name is the customer's key").format(file=file)))
    else:
        customer = pd.Series("", index=frame.index)
    blank_customer = (customer == "").to_numpy()
    out["_no_customer"] = blank_customer
    if blank_customer.any():
        customer = customer.where(~blank_customer, defaults.unknown_customer)
    out["customer_id"] = customer.to_numpy()
    if "order_id" in frame:
        order = frame["order_id"].astype(str)
        if "doc_type" in frame:
            kind = frame["doc_type"].astype(str)
            order = (kind + "-" + order).where(kind != "", order)
    else:
        order = pd.Series("", index=frame.index)
    blank_order = (order == "").to_numpy()
    if blank_order.any():
        made = out["customer_id"] + "@" + pd.Series(out["order_date"]).dt.strftime("%Y-%m-%d")
        order = order.where(~blank_order, made.to_numpy())
        assumed.append(Assumption("sales", "*", "order_id", "customer_id@order_date",
                                  _("{count} lines of {file} have no order number: one order "
                                    "per customer and day").format(
                                        count=int(blank_order.sum()), file=file)))
    out["order_id"] = _whole_ids(order, "order_id", file, assumed)
    out["_numbered"] = ~blank_order
    if "unit_price" in frame:
        out["unit_price"] = frame["unit_price"].to_numpy()
    elif "line_total" in frame:
        with np.errstate(divide="ignore", invalid="ignore"):
            price = frame["line_total"].to_numpy() / frame["quantity"].to_numpy()
        out["unit_price"] = np.where(np.isfinite(price), np.abs(price), np.nan)
        assumed.append(Assumption("sales", "*", "unit_price", "line_total / quantity",
                                  _("{file} gives line totals, not unit prices").format(
                                      file=file)))
    for field in ("name", "category", "status", "doc_type"):
        if field in frame:
            out[field] = frame[field].astype(str).to_numpy()
    if "name" in out:
        out["name"] = _short_names(out["name"])
    minutes = frame["_minutes"].to_numpy() if "_minutes" in frame else np.array([-1])
    if len(minutes) == len(out) and (minutes >= 0).all():
        out["order_time"] = [f"{m // 60:02d}:{m % 60:02d}" for m in minutes] \
            if len(out) < 50_000 else _times(minutes)
    return out


def _whole_ids(ids: pd.Series, field: str, file: str, assumed: list[Assumption]) -> np.ndarray:
    """Codes a spreadsheet wrote as decimals (``17850.0``) back to the code (``17850``),
    when every code of the column is written that way (stated)."""
    codes, uniques = pd.factorize(ids)
    texts = [str(u) for u in uniques]
    filled = [t for t in texts if t]
    if not filled or not all(_DECIMAL_CODE.match(t) for t in filled):
        return ids.to_numpy(dtype=object)
    assumed.append(Assumption("sales", "*", field, "the code without .0",
                              _("{file} writes every {field} as a decimal number (e.g. "
                                "{example})").format(file=file, field=field,
                                                     example=filled[0])))
    return np.array([t[:-2] if t else t for t in texts] + [""], dtype=object)[codes]


def _short_names(names: pd.Series) -> np.ndarray:
    """A description's first line without a leading ``[code]`` (Odoo writes both)."""
    codes, uniques = pd.factorize(names)
    short = [_BRACKETED.sub(r"\g<name>", str(u).strip().split("\n", 1)[0]).strip()
             for u in uniques]
    return np.array([*short, ""], dtype=object)[codes]


def _times(minutes: np.ndarray) -> np.ndarray:
    codes, uniques = pd.factorize(minutes)
    text = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in uniques], dtype=object)
    return text[codes]


def _most_common(values: pd.Series, keys: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"k": keys.to_numpy(), "v": values.to_numpy()})
    frame = frame[frame["v"] != ""]
    if frame.empty:
        return pd.Series(dtype=object)
    counts = frame.groupby(["k", "v"], sort=False).size().rename("n").reset_index()
    counts = counts.sort_values(["k", "n"], ascending=[True, False], kind="stable")
    return counts.drop_duplicates("k").set_index("k")["v"]


def _one_date_and_customer(lines: pd.DataFrame, assumed: list[Assumption]) -> pd.DataFrame:
    """Every line of an order on one date, for one customer (as the dataset requires): an
    order naming several customers is split per customer, an order spread over several
    dates takes its first date. Both are stated."""
    by_order = lines.groupby("order_id", sort=False)
    several = (by_order["customer_id"].transform("nunique") > 1).to_numpy()
    if several.any():
        count = lines.loc[several, "order_id"].nunique()
        lines.loc[several, "order_id"] = lines.loc[several, "order_id"] + "/" + \
            lines.loc[several, "customer_id"]
        assumed.append(Assumption("sales", "*", "order_id", "<order>/<customer>",
                                  _("{count} orders name several customers: one order per "
                                    "customer").format(count=count)))
        by_order = lines.groupby("order_id", sort=False)
    first = by_order["order_date"].transform("min")
    spread = (lines["order_date"] != first).to_numpy() & lines["order_date"].notna().to_numpy()
    if spread.any():
        count = lines.loc[spread, "order_id"].nunique()
        lines["order_date"] = first.to_numpy()
        assumed.append(Assumption("sales", "*", "order_date", "the order's first date",
                                  _("{count} orders have lines on several dates").format(
                                      count=count)))
    return lines


def _repeats(lines: pd.DataFrame, assumed: list[Assumption]) -> np.ndarray:
    """Lines of a later export that an earlier one already has: the same order number (as
    the export wrote it), date, customer, product, quantity and price, once per copy the
    earlier export has (a workbook with an "All" sheet beside its monthly sheets, files of
    overlapping months). Copies inside one export stay: an order may list a product twice.
    Lines without an order number are never taken for repeats (two branches may sell the
    same on one day)."""
    key = [c for c in ("order_id", "order_date", "customer_id", "sku", "quantity",
                       "unit_price") if c in lines]
    copy = lines.groupby([*key, "_file"], sort=False, dropna=False).cumcount()
    repeat = lines.assign(_copy=copy.to_numpy()).duplicated([*key, "_copy"]).to_numpy() \
        & lines["_numbered"].to_numpy(dtype=bool)
    if repeat.any():
        counts = lines.loc[repeat, "_file"].value_counts(sort=False)
        assumed.append(Assumption("sales", "*", "order_id", "counted once", _(
            "{count} lines repeat lines of an earlier export (same order, date, customer, "
            "product, quantity and price): counted once ({files})").format(
                count=format_number(int(repeat.sum())), files="; ".join(
                    f"{file}: {format_number(int(n))}" for file, n in counts.items()))))
    return repeat


def build_sales(parts: list[Converted], defaults: ImportDefaults, problems: list[Problem],
                assumed: list[Assumption]) -> SalesLines:
    """Sales lines of every sales export (a line repeated from an earlier export counted
    once), returns apart (with their reason)."""
    frames = [_one_file(c, defaults, problems, assumed) for c in parts]
    lines = pd.concat(frames, ignore_index=True) if len(frames) > 1 else \
        frames[0].reset_index(drop=True)
    if len(frames) > 1 and not problems:
        lines = lines.loc[~_repeats(lines, assumed)].reset_index(drop=True)
    lines = lines.drop(columns="_numbered")
    no_customer = lines.pop("_no_customer").to_numpy(dtype=bool)
    if no_customer.any():
        files = lines.loc[no_customer, "_file"].nunique()
        assumed.insert(0, Assumption(
            "sales", "*", "customer_id", defaults.unknown_customer,
            _("{count} lines name no customer (in {files} of {total} files)").format(
                count=format_number(int(no_customer.sum())), files=files,
                total=len(parts))))
    reasons = return_reasons(lines)
    is_return = (reasons != "").to_numpy()
    returns = lines.loc[is_return].copy()
    returns["reason"] = reasons[is_return].to_numpy()
    returns = returns.rename(columns={"_file": "file", "_row": "row"})
    if "unit_price" not in returns:
        returns["unit_price"] = np.nan
    returns = returns.loc[:, list(RETURN_COLUMNS)]
    demand = _one_date_and_customer(lines.loc[~is_return].copy(), assumed)
    names = _most_common(demand["name"], demand["sku"]) if "name" in demand else \
        pd.Series(dtype=object)
    categories = _most_common(demand["category"], demand["sku"]) if "category" in demand \
        else pd.Series(dtype=object)
    prices = demand.groupby("sku")["unit_price"].median().dropna() \
        if "unit_price" in demand else pd.Series(dtype=float)
    return SalesLines(demand.reset_index(drop=True), returns.reset_index(drop=True), names,
                      categories, prices)
