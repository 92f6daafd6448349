"""``salesflow import``: company exports -> a dataset folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from salesflow.cli.common import emit, json_option, wants_json
from salesflow.data.i18n import N_, _, format_number

DELIMITERS = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("pipe")}
"""The delimiters the importer detects, named for people."""

if TYPE_CHECKING:
    from salesflow.data.importing.importer import ImportResult

EPILOG = """\b
Examples:
  salesflow import Online_Retail.csv --out shop
  salesflow import 訂單.csv 商品.xlsx 庫存.csv --out shop --encoding big5
  salesflow import sales.csv --out shop --date-format DMY
  salesflow import sales.csv --out shop --mapping shop/mapping.toml --force
  salesflow import exports/ --out shop            (every export in the folder)
  salesflow import "exports/2024-*.csv" --out shop
  salesflow validate --data shop

\b
Of a workbook, every sheet whose columns are recognised is read (monthly sales sheets, a
products sheet, a stock sheet). The mapping used is printed and written to DIR/mapping.toml:
edit it (column = field, table, sheet, encoding, delimiter, date_format, decimal) and pass it
back with --mapping. Defaults assumed for master data the files do not have are listed in
DIR/assumptions.csv and set in the [import] section of DIR/config.toml (give your own with
--config, e.g. that config.toml).
"""


def _human(result: ImportResult) -> None:
    from salesflow.data.importing.convert import shown_format
    from salesflow.data.importing.delimited import DELIMITER_NAMES
    from salesflow.data.importing.recognise import USED

    shown: dict[tuple[object, ...], list[str]] = {}
    for m in result.mappings:
        same = (m.table, m.encoding, m.delimiter, m.date_format, m.decimal,
                tuple(m.columns.items()), tuple(m.unplaced))
        if same in shown:
            shown[same].append(m.label)
            continue
        shown[same] = []
        how = [_("table {table}").format(table=m.table or "?")]
        if m.encoding:
            how.append(_("encoding {encoding}").format(encoding=m.encoding))
        if m.delimiter:
            how.append(_("{delimiter}-separated").format(
                delimiter=_(DELIMITERS[m.delimiter]) if m.delimiter in DELIMITERS
                else DELIMITER_NAMES.get(m.delimiter, m.delimiter)))
        if m.date_format:
            how.append(_("dates {date_format}").format(date_format=shown_format(m.date_format)))
        if m.decimal == ",":
            how.append(_("decimal commas"))
        click.echo(f"{m.label}: {', '.join(how)}")
        scores = result.scores.get(m.label, {})
        ranked = ", ".join(f"{t} {s}" for t, s in sorted(scores.items(), key=lambda kv: -kv[1])
                           if s)
        if ranked:
            click.echo("  " + _("recognised by columns (scores): {ranked}").format(
                ranked=ranked))
        used = USED.get(m.table or "", frozenset())
        for source, target in m.columns.items():
            kept = "" if target in used else "  " + _("(recognised, not kept in the dataset)")
            click.echo(f"  {' '.join(source.split())} -> {target}{kept}")
        if m.unplaced:
            click.echo("  " + _("not imported (no field): {columns}").format(
                columns=", ".join(m.unplaced)))
    for names in shown.values():
        if names:
            listed = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            click.echo(_("{count} more file(s) read with the same mapping: {files}").format(
                count=len(names), files=listed))
    click.echo(_("Rows written: {tables}").format(tables=", ".join(
        f"{format_number(r)} {n}" for n, r in result.rows.items())))
    from salesflow.data.importing.returns import reason_words

    reasons = ", ".join(f"{reason_words(r)} {format_number(n)}"
                        for r, n in result.return_reasons.items())
    click.echo(_("Returns kept apart in returns.csv: {count}").format(
        count=format_number(result.returns)) + (f" ({reasons})" if reasons else ""))
    shared = [a for a in result.assumptions if a.key == "*"]
    per_key = len(result.assumptions) - len(shared)
    click.echo(_("Assumed (assumptions.csv, {count} rows):").format(
        count=format_number(len(result.assumptions))))
    for a in shared:
        click.echo(f"  {a.table}.{a.column} = {a.value}: {a.why}")
    if per_key:
        click.echo("  " + _("and {count} per-row values (e.g. unit_cost from price and "
                            "margin)").format(count=format_number(per_key)))
    for note in result.notes:
        click.echo(_("Note: {note}").format(note=note))
    click.echo(_("Wrote {folder}. Next: salesflow validate --data {folder}").format(
        folder=result.out))


@click.command("import", epilog=EPILOG)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Dataset folder to write (must be new or empty unless --force).")
@click.option("--mapping", "mapping_path", type=click.Path(path_type=Path), default=None,
              help="A mapping.toml from an earlier import; it wins over detection.")
@click.option("--encoding", default=None,
              help="Text encoding of the files (utf-8, big5/cp950, gb18030, shift_jis/cp932, "
                   "cp1252, utf-16). Default: detected.")
@click.option("--date-format", "date_format", default=None,
              help="Day/month order when the dates do not show it: DMY, MDY, YMD, ROC "
                   "(also D/M/YYYY, M/D/YYYY, %d.%m.%Y).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="A TOML file whose [import] section sets the defaults assumed.")
@click.option("--force", is_flag=True, help="Replace the contents of a non-empty --out.")
@json_option
def import_command(files: tuple[Path, ...], out: Path, mapping_path: Path | None,
                   encoding: str | None, date_format: str | None, config_path: Path | None,
                   force: bool, as_json: bool) -> None:
    """Turn company exports (CSV, TXT, XLSX, Parquet) into a salesflow dataset folder.

    Each FILE (each sheet of a workbook) is recognised by its column names (English,
    Traditional or Simplified Chinese, Spanish, French, German, Portuguese, Japanese; Odoo, SAP
    Business One, Shopify, WooCommerce, Taiwanese ERPs) as sales lines, products, stock, open
    orders, customers or suppliers. Returns and cancellations are kept apart.
    """
    from salesflow.data.importing.dates import normalise_format
    from salesflow.data.importing.defaults import read_defaults
    from salesflow.data.importing.importer import import_files
    from salesflow.data.importing.mapping import read_mapping
    from salesflow.data.importing.text import normalise_encoding

    if date_format:
        try:
            normalise_format(date_format)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--date-format") from None
    if encoding:
        normalise_encoding(encoding)
    mappings = read_mapping(mapping_path) if mapping_path else None
    defaults = read_defaults(config_path)
    if wants_json() or not sys.stderr.isatty():
        result = import_files(list(files), out, mappings=mappings, encoding=encoding,
                              date_format=date_format, defaults=defaults, force=force)
    else:
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(_("import"), total=None)

            def progress(done: int, total: int, label: str) -> None:
                bar.update(task, completed=done, total=total,
                           description=_("import {what}").format(what=label))

            result = import_files(list(files), out, mappings=mappings, encoding=encoding,
                                  date_format=date_format, defaults=defaults, force=force,
                                  progress=progress)
    emit({"ok": True, **result.to_dict()}, lambda: _human(result))
