"""What every command shares: the --data/--store/--json options, output and error handling."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from salesflow.data.errors import InvalidInputError, SalesflowError, UserError

F = TypeVar("F", bound=Callable[..., Any])

TIME_LIMIT_HELP = ("Seconds each solver call may take (one purchase solve, one roster solve, "
                   "one routing day); default config.toml solver.time_limit_seconds.")
"""What ``--time-limit`` means, the same for every command that solves."""

USER_ERROR_EXIT = 2
FAILURE_EXIT = 1
MAX_PROBLEMS_SHOWN = 200


def _remember_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["salesflow.json"] = value
    return value


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, callback=_remember_json,
                        is_eager=True, help="Print a machine-readable JSON summary instead.")(func)


def data_option(func: F) -> F:
    return click.option(
        "--data", "data_dir", type=click.Path(path_type=Path), default=None,
        envvar="SALESFLOW_DATA", show_envvar=True,
        help="Dataset folder (tables as CSV, Parquet or XLSX plus config.toml). "
             "Default: the bundled sample.")(func)


def store_option(func: F) -> F:
    return click.option(
        "--store", "store", default=".salesflow", show_default=True, envvar="SALESFLOW_STORE",
        show_envvar=True,
        help="Plan store: a folder (SQLite inside, files under plans/) or a database URL.")(func)


def common_options(func: F) -> F:
    """--data, --store and --json, in that order."""
    return data_option(store_option(json_option(func)))


def wants_json(ctx: click.Context | None = None) -> bool:
    ctx = ctx or click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.meta.get("salesflow.json"):
            return True
        ctx = ctx.parent
    return False


def emit(payload: Any, human: str | Callable[[], None]) -> None:
    """Print ``payload`` as JSON with --json, else the human text (or call the printer)."""
    if wants_json():
        from salesflow.data.outputs.writers import json_bytes

        sys.stdout.write(json_bytes(payload).decode("utf-8"))
    elif callable(human):
        human()
    else:
        click.echo(human)


def report_error(exc: SalesflowError) -> int:
    """Print ``exc`` for the user (JSON with --json) and return the exit code."""
    code = USER_ERROR_EXIT if isinstance(exc, UserError) else FAILURE_EXIT
    problems = exc.problems if isinstance(exc, InvalidInputError) else []
    headline = exc.summary if isinstance(exc, InvalidInputError) else str(exc)
    if wants_json():
        payload = {"ok": False, "error": headline, "exit_code": code,
                   "problems": [p.to_dict() for p in problems]}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return code
    lines = [f"Error: {headline}" + (":" if problems else "")]
    lines += [f"  {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        hidden = len(problems) - MAX_PROBLEMS_SHOWN
        lines.append(f"  ... and {hidden} more (use --json to list all)")
    click.echo("\n".join(lines), err=True)
    return code


class SalesflowGroup(click.Group):
    """A click group that turns salesflow's errors into messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SalesflowError as exc:
            ctx.exit(report_error(exc))
