"""`salesflow import` on a million generated sales lines, for BENCHMARKS.md (section ``import``).

The file imitates the UCI Online Retail export as a European spreadsheet saves it: cp1252,
semicolon-separated, decimal commas (``2,55``, ``1.234,50``), dates ``D.M.YYYY HH:MM``,
credit notes ``C536379`` with negative quantities, a share of lines without a customer, and
accented product names. ``--encoding big5`` writes the Taiwanese ERP variant instead (Chinese
headers, ROC dates). The command runs in a fresh process; its wall time and peak resident
memory (``getrusage`` of the child) are reported.

Usage (from the repository root)::

    flock /tmp/salesflow-bench.lock python benchmarks/import_bench.py [--lines 1000000]
        [--encoding cp1252|big5] [--seed 0] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from salesflow.benchmarks.locate import salesflow_command
from salesflow.benchmarks.report import machine_line, write_section

TARGET_SECONDS = 60.0
TARGET_BYTES = 2 * 1024**3
_NAMES = ("CAFÉ CRÈME MUG", "SÜSSWAREN DOSE", "HEART T-LIGHT HOLDER", "LANTERNE MÉTAL",
          "TEA SET CERAMIC", "BIRD ORNAMENT", "DOORMAT UNION JACK", "CAKE STAND")
_ZH_NAMES = ("不鏽鋼螺絲", "六角螺帽", "平華司", "彈簧華司", "膨脹螺栓", "鉚釘", "木螺絲", "墊片")


def _price_text(cents: np.ndarray) -> np.ndarray:
    """Prices with decimal commas and point thousands (``1.234,50``)."""
    whole, frac = np.divmod(cents, 100)
    out = []
    for w, f in zip(whole.tolist(), frac.tolist(), strict=True):
        head = f"{w:,}".replace(",", ".")
        out.append(f"{head},{f:02d}")
    return np.array(out, dtype=object)


def generate(path: Path, lines: int, encoding: str, seed: int) -> None:
    """Write ``lines`` sales lines to ``path`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n_skus, n_customers = 4000, 4500
    orders = 536365 + np.cumsum(rng.random(lines) < 0.05)
    start = dt.datetime(2024, 12, 1, 8, 0)
    order_minutes = np.sort(rng.integers(0, 730 * 24 * 60, int(orders[-1]) - 536365 + 1))
    minutes = order_minutes[orders - 536365]  # every line of an invoice at its time
    stamps = np.datetime64(start) + minutes.astype("timedelta64[m]")
    sku = rng.zipf(1.3, lines) % n_skus
    qty = rng.integers(1, 48, lines)
    credit = rng.random(lines) < 0.02
    qty = np.where(credit, -qty, qty)
    price = _price_text((rng.gamma(2.0, 250.0, n_skus) + 10).astype(np.int64))[sku]
    n_orders = int(orders[-1]) - 536365 + 1
    buyer = (12346 + rng.integers(0, n_customers, n_orders)).astype(str).astype(object)
    buyer[rng.random(n_orders) < 0.2] = ""  # invoices without a customer
    customer = buyer[orders - 536365]
    order_text = orders.astype(str).astype(object)
    order_text[credit] = "C" + order_text[credit]
    days = stamps.astype("datetime64[D]").astype(object)
    clock = (minutes % (24 * 60))
    times = [f"{m // 60:02d}:{m % 60:02d}" for m in clock.tolist()]
    if encoding == "big5":
        header = "單號;品號;品名;數量;訂單日期;單價;客戶代號"
        dates = [f"{d.year - 1911}/{d.month:02d}/{d.day:02d}" for d in days]
        names = np.array(_ZH_NAMES, dtype=object)[sku % len(_ZH_NAMES)]
        rows = zip(order_text, ("P" + sku.astype(str)).tolist(), names, qty.tolist(), dates,
                   price, customer, strict=True)
        body = "\n".join(f"{o};{s};{n};{q};{d};{p};{c}" for o, s, n, q, d, p, c in rows)
        codec = "cp950"
    else:
        header = "InvoiceNo;StockCode;Description;Quantity;InvoiceDate;UnitPrice;CustomerID"
        dates = [f"{d.day}.{d.month}.{d.year} {t}" for d, t in zip(days, times, strict=True)]
        names = np.array(_NAMES, dtype=object)[sku % len(_NAMES)]
        rows = zip(order_text, (sku + 10000).astype(str).tolist(), names, qty.tolist(), dates,
                   price, customer, strict=True)
        body = "\n".join(f"{o};{s};{n} {s};{q};{d};{p};{c}" for o, s, n, q, d, p, c in rows)
        codec = "cp1252"
    path.write_bytes((header + "\n" + body + "\n").encode(codec))


def measure(source: Path, out: Path) -> tuple[float, int, str]:
    """Run ``salesflow import`` on ``source``; (seconds, peak resident bytes, summary)."""
    command = [*salesflow_command(), "import", str(source), "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise SystemExit(f"salesflow import failed ({done.returncode}):\n{done.stderr}")
    del before  # ru_maxrss of children is the largest child so far: only one ran
    return seconds, peak * 1024, done.stdout


def _summary_line(stdout: str, prefix: str) -> str:
    return next((line for line in stdout.splitlines() if line.startswith(prefix)), "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--encoding", choices=["cp1252", "big5"], default="cp1252")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="Print, do not edit the file.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="salesflow-import-bench-") as tmp:
        source = Path(tmp) / "Online Retail.csv"
        generate(source, args.lines, args.encoding, args.seed)
        size = source.stat().st_size
        seconds, peak, stdout = measure(source, Path(tmp) / "dataset")
    rows = _summary_line(stdout, "Rows written:")
    returns = _summary_line(stdout, "Returns kept apart")
    met = seconds < TARGET_SECONDS and peak < TARGET_BYTES
    command = "flock /tmp/salesflow-bench.lock python benchmarks/import_bench.py"
    if args.lines != 1_000_000:
        command += f" --lines {args.lines}"
    if args.encoding != "cp1252":
        command += f" --encoding {args.encoding}"
    body = "\n".join([
        machine_line(),
        f"Command: `{command}`",
        "",
        f"`salesflow import` of {args.lines:,} generated sales lines (UCI Online Retail style, "
        f"{args.encoding}, semicolons, decimal commas, {size / 1e6:.0f} MB; 2 % credit notes, "
        "20 % of invoices without a customer), in a fresh process:",
        "",
        "| lines | wall time | peak memory (RSS) | target | met |",
        "| ---: | ---: | ---: | --- | --- |",
        f"| {args.lines:,} | {seconds:.1f} s | {peak / 1024**3:.2f} GiB | under 60 s and "
        f"2 GiB | {'yes' if met else 'no'} |",
        "",
        f"{rows}  ",
        f"{returns}",
    ])
    print(body)
    if not args.no_write:
        write_section("import", body)


if __name__ == "__main__":
    main()
