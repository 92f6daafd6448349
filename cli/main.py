"""The ``salesflow`` command line: a thin layer over data, forecasting and optimizer.

Heavy libraries are imported inside the commands so that ``--help`` stays instant.
"""

from __future__ import annotations

import logging
import os

import click

from salesflow import __version__
from salesflow.cli.accuracy_cmd import accuracy_command
from salesflow.cli.apply_cmds import apply_command, export_command
from salesflow.cli.bench import bench_group
from salesflow.cli.common import SalesflowGroup, lang_option
from salesflow.cli.dataset_cmds import init_command, validate_command
from salesflow.cli.forecast_cmd import forecast_command
from salesflow.cli.import_cmd import import_command
from salesflow.cli.orders_cmd import orders_group
from salesflow.cli.plan_cmds import weekly_command
from salesflow.cli.plans_cmds import plans_group
from salesflow.cli.purchase_cmd import purchase_command
from salesflow.cli.replay_cmd import replay_command
from salesflow.cli.routes_cmd import routes_command
from salesflow.cli.staff_cmd import staff_command
from salesflow.cli.store_cmd import store_group
from salesflow.cli.template_cmd import template_command
from salesflow.cli.tradeoff_cmd import tradeoff_command

EPILOG = """\b
Examples:
  salesflow weekly                       plan next week on the bundled sample
  salesflow init shop --size medium --seed 7
  salesflow validate --data shop
  salesflow weekly --data shop --week 2026-W48 --store sqlite:///plans.db
  salesflow plans list --json
  salesflow --lang zh-TW weekly          the same plan, reports in Traditional Chinese
  salesflow --scheduler tcp://10.0.0.5:8786 weekly --data shop   on a Dask cluster
"""


def _use_scheduler(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Every parallel map of the command runs on ``value`` (or a local cluster); the client
    and the local cluster are closed when the command ends."""
    from salesflow.forecasting.cluster import close_session, use_scheduler

    use_scheduler(value or None)
    ctx.call_on_close(close_session)


@click.group(cls=SalesflowGroup, epilog=EPILOG, context_settings={"help_option_names":
                                                                  ["-h", "--help"]})
@click.version_option(__version__, prog_name="salesflow")
@lang_option
@click.option("--scheduler", "scheduler", default=None, metavar="ADDRESS",
              envvar="SALESFLOW_SCHEDULER", show_envvar=True, expose_value=False,
              callback=_use_scheduler,
              help="Run the parallel parts (forecast batches, routing searches) on this Dask "
                   "scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster of worker "
                   "processes).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """salesflow: weekly forecasts, purchase batches, delivery routes and rosters."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # Dask's own loggers (the embedded cluster's start and stop) at warning unless -vv; read
    # when Dask is first imported, inside a command, and by the local workers it starts.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "info" if verbose >= 2 else "warning")


cli.add_command(init_command)
cli.add_command(validate_command)
cli.add_command(forecast_command)
cli.add_command(weekly_command)
cli.add_command(plans_group)
cli.add_command(replay_command)
cli.add_command(apply_command)
cli.add_command(export_command)
cli.add_command(orders_group)
cli.add_command(bench_group)
cli.add_command(routes_command)
cli.add_command(staff_command)
cli.add_command(purchase_command)
cli.add_command(template_command)
cli.add_command(import_command)
cli.add_command(tradeoff_command)
cli.add_command(store_group)
cli.add_command(accuracy_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="salesflow")
