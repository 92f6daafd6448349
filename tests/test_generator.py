"""The synthetic dataset generator: reproducible, valid in every format, and realistic."""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesflow.data.dataset import Dataset, load_dataset
from salesflow.data.dataset.config import read_config
from salesflow.data.dataset.schema import MANUAL_PROCESS_STEPS, TABLES
from salesflow.data.generator import (
    CITY_CENTRE,
    DEFAULT_HISTORY_END,
    GENERATED_TABLES,
    SIZES,
    GeneratedDataset,
    generate_dataset,
    write_dataset,
)

HISTORY_START = pd.Timestamp("2024-11-25")
PRODUCTIVITY = 0.85


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def tiny() -> GeneratedDataset:
    return generate_dataset("tiny", 0)


@pytest.fixture(scope="session")
def small() -> GeneratedDataset:
    return generate_dataset("small", 0)


@pytest.fixture(scope="session")
def tiny_csv(tiny: GeneratedDataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-csv")
    write_dataset(tiny, folder, "csv")
    return folder


@pytest.fixture(scope="session")
def small_csv(small: GeneratedDataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small-csv")
    write_dataset(small, folder, "csv")
    return folder


@pytest.fixture(scope="session")
def small_loaded(small_csv: Path) -> Dataset:
    return load_dataset(small_csv)


def _file_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _weekly(sales: pd.DataFrame, column: str | None = None) -> pd.DataFrame:
    """Per (Monday-start week, SKU): summed ``column`` (default quantity), all 104 weeks."""
    week = (sales["order_date"] - HISTORY_START).dt.days // 7
    values = sales[column or "quantity"]
    table = values.groupby([week, sales["sku"]]).sum().unstack(fill_value=0)
    return table.reindex(range(104), fill_value=0)


def _orders(sales: pd.DataFrame) -> pd.DataFrame:
    orders = sales.drop_duplicates("order_id").copy()
    orders["week"] = (orders["order_date"] - HISTORY_START).dt.days // 7
    return orders


def _with_loads(sales: pd.DataFrame, skus: pd.DataFrame) -> pd.DataFrame:
    per_sku = skus.set_index("sku")
    return sales.assign(
        weight=sales["quantity"] * sales["sku"].map(per_sku["unit_weight_kg"]),
        volume=sales["quantity"] * sales["sku"].map(per_sku["unit_volume_m3"]))


# ----------------------------------------------------------------------------- API and bytes


def test_sizes_follow_the_issue() -> None:
    expected = {"tiny": (20, 15, 1, 3), "small": (200, 60, 1, 6),
                "medium": (2_000, 300, 2, 25), "large": (20_000, 1_500, 3, 100),
                "xlarge": (100_000, 5_000, 5, 250)}
    assert list(SIZES) == list(expected)
    for name, (skus, customers, depots, vehicles) in expected.items():
        spec = SIZES[name]
        assert (spec.n_skus, spec.n_customers, spec.n_depots, spec.n_vehicles) == (
            skus, customers, depots, vehicles)
    assert [SIZES[n].lines_per_order for n in SIZES] == sorted(
        SIZES[n].lines_per_order for n in SIZES)


def test_tables_have_schema_columns_and_sizes(tiny: GeneratedDataset) -> None:
    assert tuple(tiny.tables) == GENERATED_TABLES
    assert "deliveries" not in tiny.tables
    for name, frame in tiny.tables.items():
        assert tuple(frame.columns) == TABLES[name].column_names, name
    spec = SIZES["tiny"]
    counts = {"skus": spec.n_skus, "customers": spec.n_customers,
              "suppliers": spec.n_suppliers, "depots": spec.n_depots,
              "vehicles": spec.n_vehicles, "employees": spec.n_employees,
              "inventory": spec.n_skus}
    for name, count in counts.items():
        assert len(tiny.tables[name]) == count, name


def test_write_returns_every_file(tiny: GeneratedDataset, tiny_csv: Path) -> None:
    names = sorted(p.name for p in tiny_csv.iterdir())
    assert names == sorted([f"{t}.csv" for t in GENERATED_TABLES] + ["config.toml"])


def test_same_seed_same_bytes_tiny(tiny_csv: Path, tmp_path: Path) -> None:
    written = write_dataset(generate_dataset("tiny", 0), tmp_path, "csv")
    assert [p.name for p in written][-1] == "config.toml"
    assert _file_bytes(tmp_path) == _file_bytes(tiny_csv)


def test_same_seed_same_bytes_small(small_csv: Path, tmp_path: Path) -> None:
    write_dataset(generate_dataset("small", 0), tmp_path, "csv")
    assert _file_bytes(tmp_path) == _file_bytes(small_csv)


def test_same_bytes_under_another_hash_seed(tiny_csv: Path, tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; "
            "from salesflow.data.generator import generate_dataset, write_dataset; "
            "write_dataset(generate_dataset('tiny', 0), Path(sys.argv[1]), 'csv')")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env)
    assert _file_bytes(tmp_path) == _file_bytes(tiny_csv)


def test_different_seeds_differ(tiny: GeneratedDataset) -> None:
    other = generate_dataset("tiny", 1)
    assert not tiny.tables["sales"].equals(other.tables["sales"])
    assert not tiny.tables["skus"].equals(other.tables["skus"])
    assert not tiny.tables["customers"].equals(other.tables["customers"])


def test_csv_floats_have_fixed_decimals(tiny_csv: Path) -> None:
    skus = pd.read_csv(tiny_csv / "skus.csv", dtype=str, keep_default_na=False)
    assert skus["unit_cost"].str.fullmatch(r"\d+\.\d{2}").all()
    assert skus["unit_volume_m3"].str.fullmatch(r"\d+\.\d{6}").all()
    assert skus["unit_weight_kg"].str.fullmatch(r"\d+\.\d{3}").all()
    customers = pd.read_csv(tiny_csv / "customers.csv", dtype=str)
    assert customers["lat"].str.fullmatch(r"\d+\.\d{5}").all()
    sales = pd.read_csv(tiny_csv / "sales.csv", dtype=str)
    assert sales["order_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert sales["quantity"].str.fullmatch(r"\d+").all()
    assert set(sales["promo"]) <= {"0", "1"}
    assert b"\r" not in (tiny_csv / "sales.csv").read_bytes()


def test_config_is_the_default(tiny: GeneratedDataset) -> None:
    config = read_config(tiny.config_toml, "config.toml")
    assert config.planning.week == ""


# ----------------------------------------------------------------------------- formats


def _comparable(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_string_dtype(out[column]) or out[column].dtype == object:
            out[column] = out[column].astype(object)
    keys = list(TABLES[name].key) or (["order_id", "sku"] if name == "sales" else [])
    if keys:
        out = out.sort_values(keys, kind="stable")
    return out.reset_index(drop=True)


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_every_format_loads_to_the_same_tables(fmt: str, tiny: GeneratedDataset,
                                               tiny_csv: Path, tmp_path: Path) -> None:
    reference = load_dataset(tiny_csv)
    write_dataset(tiny, tmp_path, fmt)
    other = load_dataset(tmp_path)
    assert other.files["sales"].endswith(f"sales.{fmt}")
    for name in GENERATED_TABLES:
        pd.testing.assert_frame_equal(_comparable(other.tables[name], name),
                                      _comparable(reference.tables[name], name), obj=name)


def test_parquet_and_xlsx_hold_real_dates_and_numbers(tiny: GeneratedDataset,
                                                      tmp_path: Path) -> None:
    write_dataset(tiny, tmp_path / "p", "parquet")
    sales = pd.read_parquet(tmp_path / "p" / "sales.parquet")
    assert pd.api.types.is_datetime64_any_dtype(sales["order_date"])
    assert pd.api.types.is_integer_dtype(sales["quantity"])
    assert pd.api.types.is_float_dtype(sales["unit_price"])
    assert sales["order_time"].str.fullmatch(r"\d{2}:\d{2}").all()
    write_dataset(tiny, tmp_path / "x", "xlsx")
    orders = pd.read_excel(tmp_path / "x" / "open_orders.xlsx")
    assert pd.api.types.is_datetime64_any_dtype(orders["arrival_date"])
    assert pd.api.types.is_integer_dtype(orders["quantity"])


def test_csv_loads_and_validates(small_loaded: Dataset) -> None:
    assert len(small_loaded.sales) > 0
    assert small_loaded.history_start == dt.date(2024, 11, 25)


# ----------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"size": "huge"}, "size must be one of"),
    ({"seed": -1}, "non-negative"),
    ({"seed": 1.5}, "non-negative integer"),
    ({"history_end": dt.date(2026, 11, 23)}, "must be a Sunday"),
    ({"history_end": "2026-11-22"}, "datetime.date"),
])
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"size": "tiny", **kwargs}
    with pytest.raises(ValueError, match=message):
        generate_dataset(**arguments)  # type: ignore[arg-type]


def test_bad_format_and_clashing_files(tiny: GeneratedDataset, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fmt must be one of"):
        write_dataset(tiny, tmp_path, "json")
    write_dataset(tiny, tmp_path, "csv")
    write_dataset(tiny, tmp_path, "csv")  # overwriting the same format is fine
    with pytest.raises(FileExistsError, match=r"sales\.csv"):
        write_dataset(tiny, tmp_path, "parquet")


def test_history_end_moves_the_history() -> None:
    end = dt.date(2025, 6, 29)
    sales = generate_dataset("tiny", 3, history_end=end).tables["sales"]
    first, last = sales["order_date"].min().date(), sales["order_date"].max().date()
    assert first >= end - dt.timedelta(days=7 * 104 - 1)
    assert first - (end - dt.timedelta(days=7 * 104 - 1)) <= dt.timedelta(days=3)
    assert end - dt.timedelta(days=3) <= last <= end


# ----------------------------------------------------------------------------- sales realism


def test_history_is_104_weeks(small: GeneratedDataset) -> None:
    dates = small.tables["sales"]["order_date"]
    assert dates.min() == HISTORY_START
    assert dates.max() <= pd.Timestamp(DEFAULT_HISTORY_END)
    assert dates.max() >= pd.Timestamp(DEFAULT_HISTORY_END) - pd.Timedelta(days=2)


def test_order_lines_are_consistent(small: GeneratedDataset) -> None:
    sales = small.tables["sales"]
    assert not sales.duplicated(["order_id", "sku"]).any()
    per_order = sales.groupby("order_id")
    assert (per_order["order_date"].nunique() == 1).all()
    assert (per_order["customer_id"].nunique() == 1).all()
    assert (per_order["order_time"].nunique() == 1).all()
    assert sales["order_time"].between("07:00", "17:59").all()
    assert (sales["quantity"] >= 1).all()
    assert 4.0 < per_order.size().mean() < 6.5


def test_promo_lines_are_discounted(small: GeneratedDataset) -> None:
    sales = small.tables["sales"]
    list_price = sales[sales["promo"] == 0].groupby("sku")["unit_price"].agg(["min", "max"])
    assert (list_price["min"] == list_price["max"]).all()  # one list price per SKU
    promo = sales[sales["promo"] == 1]
    base = promo["sku"].map(list_price["max"])
    ratio = (promo["unit_price"] / base)[base.notna()]
    assert ratio.between(0.69, 0.91).all()
    assert 0.05 < sales["promo"].mean() < 0.35
    skus = small.tables["skus"].set_index("sku")
    markup = list_price["max"] / skus.loc[list_price.index, "unit_cost"]
    assert markup.between(1.29, 2.01).all()


@pytest.mark.parametrize("size", ["tiny", "small"])
def test_abc_top_fifth_makes_about_80_percent_of_revenue(size: str, tiny: GeneratedDataset,
                                                         small: GeneratedDataset) -> None:
    dataset = tiny if size == "tiny" else small
    sales = dataset.tables["sales"]
    revenue = (sales["quantity"] * sales["unit_price"]).groupby(sales["sku"]).sum()
    revenue = revenue.reindex(dataset.tables["skus"]["sku"], fill_value=0.0)
    top = revenue.sort_values(ascending=False).iloc[: round(0.2 * len(revenue))]
    assert 0.72 <= top.sum() / revenue.sum() <= 0.88


def test_long_tail_is_intermittent_and_top_skus_sell_every_week(small: GeneratedDataset) -> None:
    sales = small.tables["sales"]
    weekly = _weekly(sales).reindex(columns=small.tables["skus"]["sku"], fill_value=0)
    weeks_with_sales = (weekly > 0).sum()
    adi = 104 / weeks_with_sales.replace(0, np.nan)
    assert (adi.isna() | (adi > 1.32)).mean() >= 0.20
    top = sales["sku"].value_counts().index[:5]  # the most frequently ordered
    assert (weeks_with_sales[top] == 104).all()


def test_lumpy_and_smooth_skus_coexist(small: GeneratedDataset) -> None:
    weekly = _weekly(small.tables["sales"])
    busy = weekly.loc[:, (weekly > 0).sum() >= 52]
    cv2 = (busy.std() / busy.mean()) ** 2
    assert (cv2 < 0.49).any() and (cv2 > 0.49).any()


def test_weekday_profile(small: GeneratedDataset) -> None:
    orders = _orders(small.tables["sales"])
    days = pd.date_range(HISTORY_START, periods=728)
    daily = orders.groupby("order_date").size().reindex(days, fill_value=0)
    by_weekday = daily.groupby(days.day_of_week).mean()
    assert by_weekday[6] == 0  # Sunday closed
    assert by_weekday[0] == by_weekday.max()  # Monday busiest
    assert by_weekday[0] > by_weekday[4]  # Friday lower
    assert 0 < by_weekday[5] < 0.4 * by_weekday[4]  # Saturday small
    assert daily[pd.Timestamp("2025-12-25")] == 0  # public holiday


def test_yearly_seasonality_and_growth(small: GeneratedDataset) -> None:
    orders = _orders(small.tables["sales"])
    weekly = orders.groupby("week").size().reindex(range(104), fill_value=0)
    mondays = HISTORY_START + pd.to_timedelta(np.arange(104) * 7, unit="D")
    for year in (0, 1):
        span = slice(52 * year, 52 * year + 52)
        counts, starts = weekly.iloc[span].to_numpy(), mondays[span]
        december = counts[(starts.month == 12) & (starts.day <= 21)]
        summer = counts[starts.month.isin([7, 8])]
        assert december.mean() > 1.05 * counts.mean()
        assert summer.mean() < counts.mean()
    growth = weekly.iloc[52:].sum() / weekly.iloc[:52].sum()
    assert 1.02 < growth < 1.15


def test_categories_have_their_own_seasons(small: GeneratedDataset) -> None:
    sales = small.tables["sales"].merge(small.tables["skus"][["sku", "category"]], on="sku")
    month = sales["order_date"].dt.month
    share = pd.crosstab(sales["category"], month, values=sales["quantity"],
                        aggfunc="sum", normalize="columns")
    swing = share.max(axis=1) / share.min(axis=1)
    assert swing.max() > 1.8  # a strongly seasonal category
    assert swing.max() > 1.3 * swing.min()  # and flatter ones
    assert share.idxmax(axis=1).nunique() >= 3  # peaking in different months


def test_customers_are_skewed(small: GeneratedDataset) -> None:
    share = _orders(small.tables["sales"])["customer_id"].value_counts(normalize=True)
    assert share.iloc[: max(1, len(share) // 10)].sum() > 0.2


# ----------------------------------------------------------------------------- master data


def test_skus(small: GeneratedDataset) -> None:
    skus = small.tables["skus"]
    assert skus["sku"].tolist() == [f"SKU{i:03d}" for i in range(1, 201)]
    assert skus["name"].is_unique
    assert 8 <= skus["category"].nunique() <= 12
    assert skus["unit_cost"].between(0.3, 300).all()
    assert skus["unit_cost"].min() < 1 and skus["unit_cost"].max() > 50
    assert skus["pack_size"].isin([1, 2, 5, 6, 10, 12, 24, 50, 100]).all()
    cheap = skus["unit_cost"] < 3
    assert skus.loc[cheap, "pack_size"].median() > skus.loc[~cheap, "pack_size"].median()
    assert ((skus["moq"] == 0) | (skus["moq"] % skus["pack_size"] == 0)).all()
    assert (skus["moq"] == 0).mean() > 0.3
    for column, low, high in (("holding_rate", 0.15, 0.35), ("service_level", 0.9, 0.99)):
        values = skus[column].dropna()
        assert skus[column].isna().mean() > 0.5
        assert len(values) > 0 and values.between(low, high).all()
    heavy = skus.groupby("category")["unit_weight_kg"].median()
    assert heavy.max() > 10 * heavy.min()  # weights follow the category
    density = skus["unit_weight_kg"] / skus["unit_volume_m3"]
    assert density.between(30, 3000).all()


def test_suppliers_specialise(small: GeneratedDataset) -> None:
    suppliers, skus = small.tables["suppliers"], small.tables["skus"]
    assert len(suppliers) == SIZES["small"].n_suppliers
    assert suppliers["lead_time_days"].between(2, 28).all()
    assert suppliers["lead_time_days"].median() <= 10
    assert suppliers["order_cost"].between(30, 300).all()
    mov = suppliers["min_order_value"]
    assert ((mov == 0) | mov.between(200, 5000)).all() and (mov == 0).any()
    weekdays = suppliers["order_weekdays"]
    assert weekdays.str.fullmatch(r"((Mon|Tue|Wed|Thu|Fri)(;|$))*").all()
    assert (weekdays == "").mean() > 0.5
    main_share = skus.groupby("supplier_id")["category"].agg(
        lambda c: c.value_counts(normalize=True).iloc[0])
    assert main_share.mean() > 0.8
    assert set(skus["supplier_id"]) == set(suppliers["supplier_id"])


@pytest.mark.parametrize("size", ["tiny", "small"])
def test_price_breaks(size: str, tiny: GeneratedDataset, small: GeneratedDataset) -> None:
    dataset = tiny if size == "tiny" else small
    breaks = dataset.tables["price_breaks"]
    skus = dataset.tables["skus"].set_index("sku")
    counts = breaks.groupby("sku", sort=False).size()
    assert set(counts.index) == set(skus.index)
    assert counts.between(2, 4).all()
    per_sku = breaks.groupby("sku", sort=False)
    assert (per_sku["min_qty"].diff().dropna() > 0).all()
    assert (per_sku["unit_price"].diff().dropna() < 0).all()
    sku = skus.loc[breaks["sku"]]
    assert (breaks["min_qty"].to_numpy() % sku["pack_size"].to_numpy() == 0).all()
    assert (breaks["min_qty"].to_numpy() > sku["moq"].to_numpy()).all()
    discount = 1 - breaks["unit_price"].to_numpy() / sku["unit_cost"].to_numpy()
    assert (discount > 0).all() and (discount < 0.16).all()
    assert np.median(discount) > 0.02


def test_break_quantities_follow_demand(small: GeneratedDataset) -> None:
    weekly = _weekly(small.tables["sales"]).iloc[-52:].mean()
    breaks = small.tables["price_breaks"]
    first = breaks.groupby("sku")["min_qty"].first()
    busy = weekly[weekly > 20].index
    weeks = first[busy] / weekly[busy]
    assert weeks.between(1.5, 25).mean() > 0.9


def test_inventory(small: GeneratedDataset) -> None:
    inventory, skus = small.tables["inventory"], small.tables["skus"]
    assert inventory["sku"].tolist() == skus["sku"].tolist()
    assert pd.api.types.is_integer_dtype(inventory["on_hand"])
    assert (inventory["on_hand"] >= 0).all() and (inventory["on_hand"] == 0).any()
    recent = _weekly(small.tables["sales"]).iloc[-8:].mean()
    cover = inventory.set_index("sku")["on_hand"] / recent.reindex(inventory["sku"])
    assert (cover.dropna() <= 4.0 + 1e-9).all()


def test_open_orders(small: GeneratedDataset) -> None:
    orders, skus = small.tables["open_orders"], small.tables["skus"].set_index("sku")
    end = pd.Timestamp(DEFAULT_HISTORY_END)
    assert (orders["arrival_date"] > end).all()
    assert (orders["arrival_date"] <= end + pd.Timedelta(days=21)).all()
    assert 0.10 <= orders["sku"].nunique() / len(skus) <= 0.20
    assert orders["po_id"].str.fullmatch(r"PO\d{5}").all()
    assert not orders.duplicated(["po_id", "sku"]).any()
    pack = skus.loc[orders["sku"], "pack_size"].to_numpy()
    assert (orders["quantity"].to_numpy() % pack == 0).all()
    supplier = orders["sku"].map(skus["supplier_id"])
    assert (supplier.groupby(orders["po_id"]).nunique() == 1).all()


def test_customers(small: GeneratedDataset) -> None:
    customers = small.tables["customers"]
    assert customers["name"].is_unique and customers["customer_id"].is_unique
    lat0, lon0 = CITY_CENTRE
    north = (customers["lat"] - lat0) * 110.574
    east = (customers["lon"] - lon0) * 111.320 * math.cos(math.radians(lat0))
    assert (np.hypot(north, east) <= 25.5).all()
    windows = set(zip(customers["window_start"], customers["window_end"], strict=True))
    assert {("08:00", "17:00"), ("07:00", "12:00"), ("12:00", "17:00")} <= windows
    length = (pd.to_datetime(customers["window_end"], format="%H:%M")
              - pd.to_datetime(customers["window_start"], format="%H:%M"))
    assert (length == pd.Timedelta(hours=2)).any()
    assert (length > pd.Timedelta(0)).all()
    assert customers["service_minutes"].between(5, 30).all()


def test_depots_and_vehicles(small: GeneratedDataset) -> None:
    depots, vehicles = small.tables["depots"], small.tables["vehicles"]
    assert len(depots) == 1 and (depots["capacity_m3"] > 0).all()
    assert (depots["open"] <= "06:00").all() and (depots["close"] >= "20:00").all()
    assert vehicles["capacity_kg"].nunique() >= 2  # a mixed fleet
    assert set(vehicles["depot_id"]) <= set(depots["depot_id"])
    by_size = vehicles.groupby("capacity_kg")[["fixed_cost", "cost_per_km",
                                               "cost_per_hour"]].mean()
    assert by_size.apply(lambda c: c.is_monotonic_increasing).all()
    assert (vehicles["shift_start"] < vehicles["shift_end"]).all()


def test_fleet_fits_the_deliveries(small: GeneratedDataset) -> None:
    sales = _with_loads(small.tables["sales"], small.tables["skus"])
    vehicles = small.tables["vehicles"]
    per_customer_day = sales.groupby(["customer_id", "order_date"])[["weight", "volume"]].sum()
    typical = per_customer_day.groupby("customer_id").median()
    assert (typical["weight"] <= vehicles["capacity_kg"].max()).all()
    assert (typical["volume"] <= vehicles["capacity_m3"].max()).all()
    recent = sales[sales["order_date"] >= HISTORY_START + pd.Timedelta(weeks=52)]
    daily = recent.groupby("order_date")[["weight", "volume"]].sum()
    busy = daily.groupby(daily.index.day_of_week).mean().max()
    assert 0.3 <= busy["weight"] / vehicles["capacity_kg"].sum() <= 0.9
    assert busy["volume"] / vehicles["capacity_m3"].sum() <= 0.9


def test_staff_covers_the_order_handling(small: GeneratedDataset) -> None:
    employees = small.tables["employees"]
    skills = employees["skills"].str.split(";")
    assert skills.map(len).between(1, 3).all()
    holders = skills.explode().value_counts()
    assert set(holders.index) == {"sales_admin", "picker", "packer", "shipper",
                                  "customer_service", "receiving"}
    assert (holders >= 2).all()
    assert employees["hourly_cost"].between(16, 32).all()
    assert (employees["min_hours_week"] <= employees["max_hours_week"]).all()
    orders = _orders(small.tables["sales"])
    per_week = (orders["week"] >= 52).sum() / 52
    minutes = {skill: 0.0 for skill in holders.index}
    for _, step_minutes, skill in MANUAL_PROCESS_STEPS:
        minutes[skill] += step_minutes
    need_hours = per_week * sum(minutes.values()) / 60 / PRODUCTIVITY
    assert 0.7 <= need_hours / employees["max_hours_week"].sum() <= 1.0
    for skill, per_order in minutes.items():
        able = employees.loc[skills.map(lambda s, k=skill: k in s), "max_hours_week"].sum()
        assert per_week * per_order / 60 / PRODUCTIVITY <= able, skill


def test_unavailable_days_are_next_week(small: GeneratedDataset) -> None:
    cells = small.tables["employees"]["unavailable"]
    days = [dt.date.fromisoformat(d) for cell in cells if cell for d in cell.split(";")]
    assert days and (cells == "").any()
    week = {DEFAULT_HISTORY_END + dt.timedelta(days=k) for k in range(1, 8)}
    assert set(days) <= week


def test_shifts_and_process_steps(tiny: GeneratedDataset) -> None:
    shifts = tiny.tables["shifts"]
    assert len(shifts) >= 3 and shifts["shift_id"].is_unique
    steps = tiny.tables["process_steps"]
    assert list(steps.itertuples(index=False, name=None)) == list(MANUAL_PROCESS_STEPS)


def test_no_cell_looks_like_a_formula(small: GeneratedDataset) -> None:
    for name, frame in small.tables.items():
        for column in frame.columns:
            if pd.api.types.is_string_dtype(frame[column]):
                assert not frame[column].str.match(r"[=+\-@]").any(), (name, column)


# ----------------------------------------------------------------------------- slow


@pytest.mark.slow
def test_medium_generates_and_validates(tmp_path: Path) -> None:
    dataset = generate_dataset("medium", 0)
    write_dataset(dataset, tmp_path, "csv")
    loaded = load_dataset(tmp_path)
    assert len(loaded.skus) == 2_000
    assert len(loaded["customers"]) == 300
    sales = dataset.tables["sales"]
    revenue = (sales["quantity"] * sales["unit_price"]).groupby(sales["sku"]).sum()
    top = revenue.sort_values(ascending=False).iloc[:400]
    assert 0.72 <= top.sum() / revenue.sum() <= 0.88


def test_bundled_sample_is_the_small_dataset_of_seed_0(tmp_path: Path) -> None:
    """data/sample is `salesflow init data/sample --size small --seed 0`; regenerate it with
    that command whenever the generator changes."""
    from salesflow.data.dataset import sample_data_dir

    written = write_dataset(generate_dataset("small", 0), tmp_path, "csv")
    sample = sample_data_dir()
    assert sorted(p.name for p in sample.iterdir() if p.is_file()) == \
        sorted(p.name for p in written)
    for path in written:
        assert (sample / path.name).read_bytes() == path.read_bytes(), path.name
