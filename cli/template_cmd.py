"""``salesflow template``: the tables of a dataset to fill in, with explanations."""

from __future__ import annotations

from pathlib import Path

import click

from salesflow.cli.common import emit, json_option
from salesflow.data.i18n import _


@click.command("template", epilog="""\b
Examples:
  salesflow template shop                  one CSV per table, an example row in each
  salesflow template shop --format xlsx    workbooks with a sheet explaining every column
  salesflow validate --data shop           check what you filled in
""")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True, help="File format of the tables.")
@click.option("--force", is_flag=True, help="Write into FOLDER even if it is not empty.")
@json_option
def template_command(folder: Path, fmt: str, force: bool, as_json: bool) -> None:
    """Write every table of a dataset into FOLDER, with its header and one example row.

    The example rows validate together; replace them by your data. sales, skus and
    suppliers are required; delete the files of the other tables you do not have. XLSX
    workbooks explain each column on a second sheet and check dates, times, numbers and
    lists as you type. README.txt explains every table; config.toml holds the settings.
    """
    from salesflow.data.dataset import sample_data_dir
    from salesflow.data.dataset.folder import check_target, write_dataset_folder
    from salesflow.data.dataset.schema import TABLES
    from salesflow.data.dataset.template import write_template

    check_target(folder, force)
    config = sample_data_dir() / "config.toml"
    written = write_dataset_folder(folder, lambda tmp: write_template(tmp, fmt, config))
    files = [path.name for path in written]
    required = [name for name, spec in TABLES.items() if spec.required]
    emit({"ok": True, "folder": str(folder), "format": fmt, "files": files,
          "required_tables": required,
          "optional_tables": [name for name in TABLES if name not in required]},
         _("Wrote a dataset template to {folder}: {tables} tables as {format}, each with one "
           "example row, plus config.toml and README.txt.\nRequired: {required}; delete the "
           "files of the other tables you do not have.\nNext: fill in the tables, then "
           "salesflow validate --data {folder}").format(
             folder=folder, tables=len(TABLES), format=fmt.upper(),
             required=", ".join(required)))
