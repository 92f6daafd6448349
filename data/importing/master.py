"""Master data tables from what the exports have, stated defaults for the rest.

SKUs come from a product export, else from the sales lines (name from the description,
category from the lines or ``[import] category``); suppliers from a supplier export, else one
per category; stock from a stock export, else none. Every value the exports did not give is an
:class:`~salesflow.data.importing.sales.Assumption` (written to ``assumptions.csv``). Tables
the exports say nothing about (customers' coordinates, depots, fleet, staff) are not made up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesflow.data.dataset.schema import MANUAL_PROCESS_STEPS
from salesflow.data.errors import Problem
from salesflow.data.i18n import N_, _
from salesflow.data.importing.convert import Converted
from salesflow.data.importing.defaults import ImportDefaults
from salesflow.data.importing.sales import Assumption, SalesLines


def _first(parts: list[Converted], table: str) -> pd.DataFrame | None:
    """The rows of every export of ``table`` (files, sheets), in order; a field that one of
    them lacks is blank in its rows ("" for text, NaN for numbers), never the text "nan"."""
    frames = [c.frame for c in parts if c.table == table]
    if not frames:
        return None
    rows = pd.concat(frames, ignore_index=True)
    return _blank_text(rows)


def _text_columns(rows: pd.DataFrame) -> list[str]:
    """The text columns of ``rows`` (object, or pandas' string dtype)."""
    return [c for c in rows.columns
            if rows[c].dtype == object or pd.api.types.is_string_dtype(rows[c])]


def _blank_text(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with a text column's missing values as "" (never the text "nan")."""
    text = _text_columns(rows)
    if text:
        rows[text] = rows[text].fillna("")
    return rows


def _one_row_each(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per ``key`` (rows without one left out): of a key's several rows (a product
    in a product file and in a price list, or twice in one file) each field's first value
    that is not blank."""
    rows = rows[rows[key].astype(str) != ""]
    if not rows[key].duplicated().any():
        return rows
    merged = rows.mask(rows.eq("")).groupby(key, sort=False, as_index=False).first()
    return _blank_text(merged)


def _text(frame: pd.DataFrame, field: str) -> pd.Series:
    return frame[field].astype(str) if field in frame else pd.Series("", index=frame.index)


def build_skus(parts: list[Converted], sales: SalesLines | None, defaults: ImportDefaults,
               assumed: list[Assumption]) -> pd.DataFrame:
    """The skus table: a product export's rows and every SKU sold, stock or on order."""
    products = _first(parts, "skus")
    if products is None:
        products = pd.DataFrame({"sku": pd.Series(dtype=object)})
    products = _one_row_each(products, "sku")
    known = set(products["sku"].astype(str))
    extra: list[str] = []
    for source in ([sales.lines["sku"]] if sales is not None else []) + \
            [c.frame["sku"] for c in parts if c.table in ("inventory", "open_orders")]:
        extra += [s for s in pd.unique(source.astype(str)) if s and s not in known]
        known |= set(extra)
    if extra:
        assumed.append(Assumption("skus", "*", "sku", f"{len(extra)} SKUs",
                                  _("SKUs sold, stocked or on order without a product row are "
                                    "derived from those lines")))
    skus = pd.concat([products, pd.DataFrame({"sku": extra})], ignore_index=True)
    out = pd.DataFrame({"sku": skus["sku"].astype(str).to_numpy()})
    names = _text(skus, "name").to_numpy()
    seen = sales.names if sales is not None else pd.Series(dtype=object)
    fill = out["sku"].map(seen).astype(object).fillna("").to_numpy()
    names = np.where(names == "", fill, names)
    if (names == "").any():
        assumed.append(Assumption("skus", "*", "name", "the sku", _(
            "{count} SKUs have no name or description in the exports").format(
                count=int((names == "").sum()))))
    out["name"] = np.where(names == "", out["sku"], names)
    cats = _text(skus, "category").to_numpy()
    seen_cats = sales.categories if sales is not None else pd.Series(dtype=object)
    cats = np.where(cats == "", out["sku"].map(seen_cats).astype(object).fillna("").to_numpy(),
                    cats)
    if (cats == "").any():
        assumed.append(Assumption("skus", "*", "category", defaults.category,
                                  _("{count} SKUs have no category").format(
                                      count=int((cats == "").sum()))))
    out["category"] = np.where(cats == "", defaults.category, cats)
    suppliers = _text(skus, "supplier_id").to_numpy()
    if (suppliers == "").any():
        assumed.append(Assumption("skus", "*", "supplier_id", "SUP-<category>",
                                  _("no supplier given: one supplier per category")))
    out["supplier_id"] = np.where(suppliers == "", "SUP-" + out["category"], suppliers)
    out["unit_cost"] = _unit_cost(skus, out, sales, defaults, assumed)
    for column, value, why in (
            ("unit_volume_m3", defaults.unit_volume_m3, N_("no volume in the exports")),
            ("unit_weight_kg", defaults.unit_weight_kg, N_("no weight in the exports")),
            ("pack_size", defaults.pack_size, N_("no pack size in the exports")),
            ("moq", defaults.moq, N_("no minimum order quantity in the exports")),
            ("holding_rate", defaults.holding_rate, N_("no holding rate in the exports"))):
        given = skus[column].to_numpy(dtype=float) if column in skus else \
            np.full(len(out), np.nan)
        missing = ~np.isfinite(given)
        if missing.any():
            assumed.append(Assumption("skus", "*", column, str(value),
                                      _("{why} ({count} SKUs)").format(
                                          why=_(why), count=int(missing.sum()))))
        out[column] = np.where(missing, value, given)
        if column in ("pack_size", "moq"):
            out[column] = out[column].round().astype(np.int64)
    return out


def _unit_cost(skus: pd.DataFrame, out: pd.DataFrame, sales: SalesLines | None,
               defaults: ImportDefaults, assumed: list[Assumption]) -> np.ndarray:
    cost = skus["unit_cost"].to_numpy(dtype=float) if "unit_cost" in skus else \
        np.full(len(out), np.nan)
    price = skus["unit_price"].to_numpy(dtype=float) if "unit_price" in skus else \
        np.full(len(out), np.nan)
    if sales is not None:
        sold = out["sku"].map(sales.prices).to_numpy(dtype=float)
        price = np.where(np.isfinite(price), price, sold)
    derived = ~np.isfinite(cost) & np.isfinite(price) & (price > 0)  # free samples: no price
    cost = np.where(derived, np.round(price * (1 - defaults.margin), 4), cost)
    for sku, value in zip(out["sku"].to_numpy()[derived], cost[derived], strict=True):
        assumed.append(Assumption("skus", str(sku), "unit_cost", f"{value:g}",
                                  _("median selling price x (1 - margin {margin})").format(
                                      margin=f"{defaults.margin:g}")))
    none = ~np.isfinite(cost)
    if none.any():
        assumed.append(Assumption("skus", "*", "unit_cost", f"{defaults.unit_cost:g}",
                                  _("{count} SKUs have neither a cost nor a selling price "
                                    "above 0").format(count=int(none.sum()))))
    return np.where(none, defaults.unit_cost, cost)


def build_suppliers(parts: list[Converted], skus: pd.DataFrame, defaults: ImportDefaults,
                    assumed: list[Assumption]) -> pd.DataFrame:
    """One row per supplier the SKUs name: the supplier export's values, else defaults."""
    given = _first(parts, "suppliers")
    if given is None:
        given = pd.DataFrame({"supplier_id": pd.Series(dtype=object)})
    given = _one_row_each(given, "supplier_id")
    ids = list(dict.fromkeys(list(given["supplier_id"].astype(str)) +
                             list(skus["supplier_id"].astype(str))))
    base = given.set_index(given["supplier_id"].astype(str))
    out = pd.DataFrame({"supplier_id": ids})
    names = out["supplier_id"].map(base["supplier_name"]) if "supplier_name" in base \
        else pd.Series(np.nan, index=out.index)
    out["name"] = names.astype(object).fillna(out["supplier_id"]).replace("", np.nan) \
        .fillna(out["supplier_id"])
    for column, value in (("lead_time_days", defaults.lead_time_days),
                          ("order_cost", defaults.order_cost)):
        have = out["supplier_id"].map(base[column]).astype(float) if column in base else \
            pd.Series(np.nan, index=out.index)
        missing = have.isna().to_numpy()
        if missing.any():
            assumed.append(Assumption("suppliers", "*", column, str(value),
                                      _("not in the exports ({count} suppliers)").format(
                                          count=int(missing.sum()))))
        out[column] = have.fillna(value).to_numpy()
    out["lead_time_days"] = out["lead_time_days"].round().astype(np.int64)
    return out


def build_inventory(parts: list[Converted], skus: pd.DataFrame, problems: list[Problem],
                    assumed: list[Assumption]) -> pd.DataFrame:
    """Stock per SKU from stock exports (summed over locations), else none."""
    stock = _first(parts, "inventory")
    if stock is None:
        assumed.append(Assumption("inventory", "*", "on_hand", "0", _("no stock export given")))
        return pd.DataFrame({"sku": skus["sku"], "on_hand": 0.0})
    stock = stock[stock["sku"].astype(str) != ""]
    total = stock.groupby(stock["sku"].astype(str))["on_hand"].sum(min_count=1)
    negative = total[total < 0]
    for sku, value in negative.items():
        assumed.append(Assumption("inventory", str(sku), "on_hand", "0",
                                  _("the stock export says {value}; counted as none").format(
                                      value=f"{value:g}")))
    total = total.clip(lower=0).fillna(0.0)
    return pd.DataFrame({"sku": total.index.astype(str), "on_hand": total.to_numpy()})


def build_open_orders(parts: list[Converted]) -> pd.DataFrame | None:
    """Open purchase order lines, one per (po, sku), quantities summed."""
    orders = _first(parts, "open_orders")
    if orders is None:
        return None
    orders = orders[(orders["quantity"] > 0) & orders["arrival_date"].notna()]
    grouped = orders.groupby(["po_id", "sku"], sort=False).agg(
        quantity=("quantity", "sum"), arrival_date=("arrival_date", "max")).reset_index()
    return grouped


def build_customers(parts: list[Converted], sales: SalesLines | None,
                    assumed: list[Assumption], notes: list[str]) -> pd.DataFrame | None:
    """Customers with coordinates, when a customer export gives them for every customer
    sold to (the windows and service minutes are then stated defaults)."""
    given = _first(parts, "customers")
    if given is None:
        notes.append(_("customers: not written (no customer export); routing needs "
                       "coordinates"))
        return None
    if "lat" not in given or "lon" not in given:
        notes.append(_("customers: not written (the customer export has no lat/lon); routing "
                       "needs coordinates"))
        return None
    given = given.dropna(subset=["lat", "lon"]).drop_duplicates("customer_id")
    sold = set(sales.lines["customer_id"]) if sales is not None else set()
    lacking = sold - set(given["customer_id"].astype(str))
    if lacking:
        notes.append(_("customers: not written ({count} customers sold to have no "
                       "coordinates, e.g. {examples})").format(
                           count=len(lacking), examples=", ".join(sorted(lacking)[:3])))
        return None
    out = pd.DataFrame({"customer_id": given["customer_id"].astype(str).to_numpy()})
    out["name"] = _text(given, "customer_name").replace("", np.nan).fillna(
        pd.Series(out["customer_id"].to_numpy(), index=given.index)).to_numpy()
    out["lat"], out["lon"] = given["lat"].to_numpy(), given["lon"].to_numpy()
    for column, value in (("window_start", "08:00"), ("window_end", "18:00"),
                          ("service_minutes", 10.0)):
        out[column] = value
        assumed.append(Assumption("customers", "*", column, str(value),
                                  _("delivery windows and service times are not in the "
                                    "exports")))
    return out


def process_steps(assumed: list[Assumption]) -> pd.DataFrame:
    """The manual's order-handling steps (stated)."""
    assumed.append(Assumption("process_steps", "*", "minutes_per_order", "manual",
                              _("the manual's five order-handling steps (NOTES.md)")))
    return pd.DataFrame(MANUAL_PROCESS_STEPS, columns=["step", "minutes_per_order", "skill"])
