"""What every command shares: the --data/--store/--json options, output and error handling."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from salesflow.data.errors import InvalidInputError, UserError
from salesflow.data.i18n import N_, _, format_number

F = TypeVar("F", bound=Callable[..., Any])

TIME_LIMIT_HELP = ("Seconds each solver call may take (one purchase solve, one roster solve, "
                   "one routing day); default config.toml solver.time_limit_seconds.")
"""What ``--time-limit`` means, the same for every command that solves."""

STAGE_NAMES = {"forecast": N_("forecast"), "purchasing": N_("purchasing"),
               "staffing": N_("staffing"), "routing": N_("routing")}
"""The weekly stages (``optimizer.weekly.STAGES``) named for people."""

SOLVE_STATUS_WORDS = {"optimal": N_("optimal"), "feasible": N_("feasible"),
                      "infeasible": N_("infeasible"), "no solution": N_("no solution")}
"""``SolveStatus`` values (optimizer/result.py) in words."""

STOP_WORDS = {"proof": N_("proof"), "time limit": N_("time limit"),
              "work limit": N_("work limit"), "deterministic limit": N_("deterministic limit")}
"""What ended a search (``STOP_*`` of optimizer/result.py) in words."""

USER_ERROR_EXIT = 2
FAILURE_EXIT = 1  # kept for internal errors (cli/crash.py)
MAX_PROBLEMS_SHOWN = 200


def stage_name(stage: str) -> str:
    """A weekly stage in words in the current language (the id itself when unknown)."""
    return _(STAGE_NAMES[stage]) if stage in STAGE_NAMES else stage


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded to ``width`` terminal cells (a Chinese character takes two), left
    (``<``) or right (``>``) aligned: columns line up in every language."""
    from rich.cells import cell_len

    gap = " " * max(0, width - cell_len(text))
    return text + gap if align == "<" else gap + text


def status_word(status: str) -> str:
    """A solver status (``optimal``, ``feasible`` ...) in the current language."""
    return _(SOLVE_STATUS_WORDS[status]) if status in SOLVE_STATUS_WORDS else status


def stop_word(reason: str) -> str:
    """What ended a search (``proof``, ``time limit`` ...) in the current language."""
    return _(STOP_WORDS[reason]) if reason in STOP_WORDS else reason


def _remember_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["salesflow.json"] = value
    return value


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, callback=_remember_json,
                        is_eager=True, help="Print a machine-readable JSON summary instead.")(func)


def _peek_dataset_language(ctx: click.Context, _param: click.Parameter,
                           value: Path | None) -> Path | None:
    """Speak the dataset's ``[report] language`` from the start, so that the problems found
    while loading it are already in that language; a config.toml that cannot be read is left
    for the loader to report."""
    import tomllib

    if value is None or not (value / "config.toml").is_file():
        return value
    try:
        chosen = tomllib.loads((value / "config.toml").read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return value
    report = chosen.get("report")
    if isinstance(report, dict) and isinstance(report.get("language"), str):
        from contextlib import suppress

        from salesflow.data.i18n import UnknownLanguageError

        with suppress(UnknownLanguageError):  # the loader reports the bad value
            _use_unless_explicit(ctx, report["language"])
    return value


def data_option(func: F) -> F:
    return click.option(
        "--data", "data_dir", type=click.Path(path_type=Path), default=None,
        envvar="SALESFLOW_DATA", show_envvar=True, callback=_peek_dataset_language,
        help="Dataset folder (tables as CSV, Parquet or XLSX plus config.toml). "
             "Default: the bundled sample.")(func)


def _remember_store(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    ctx.meta["salesflow.store"] = value  # where a crash log goes (cli/crash.py)
    return value


def store_option(func: F) -> F:
    return click.option(
        "--store", "store", default=".salesflow", show_default=True, envvar="SALESFLOW_STORE",
        show_envvar=True, callback=_remember_store,
        help="Plan store: a folder (SQLite inside, files under plans/) or a database URL.")(func)


def _choose_language(ctx: click.Context, _param: click.Parameter, value: str | None
                     ) -> str | None:
    from salesflow.data.i18n import set_language

    ctx.meta["salesflow.lang"] = value  # explicit: config.toml's [report] language yields
    set_language(value)
    return value


def lang_option(func: F) -> F:
    """``--lang zh-TW|en`` (or ``SALESFLOW_LANG``) on the main group: the language of every
    human output; without it ``[report] language`` of the dataset, else the locale."""
    from salesflow.data.i18n import LANGUAGE_CHOICES

    return click.option(
        "--lang", "lang", type=click.Choice(LANGUAGE_CHOICES, case_sensitive=False),
        default=None, envvar="SALESFLOW_LANG", show_envvar=True, is_eager=True,
        expose_value=False, callback=_choose_language,
        help="Language of reports, workbooks, maps and messages (default: [report] language "
             "of config.toml, else the locale, else English).")(func)


def _use_unless_explicit(ctx: click.Context | None, tag: str) -> None:
    from salesflow.data.i18n import set_language

    explicit = False
    while ctx is not None:
        explicit = explicit or bool(ctx.meta.get("salesflow.lang"))
        ctx = ctx.parent
    if not explicit and tag:
        set_language(tag)


def use_dataset_language(config: Any) -> None:
    """Speak ``config.toml``'s ``[report] language`` unless ``--lang`` chose one."""
    _use_unless_explicit(click.get_current_context(silent=True), config.report.language)


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


def report_error(exc: UserError) -> int:
    """Print ``exc`` for the user (JSON with --json) and return the exit code (2)."""
    code = USER_ERROR_EXIT
    problems = exc.problems if isinstance(exc, InvalidInputError) else []
    headline = exc.summary if isinstance(exc, InvalidInputError) else str(exc)
    if wants_json():
        payload = {"ok": False, "error": headline, "exit_code": code,
                   "problems": [p.to_dict() for p in problems]}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return code
    lines = [(_("Error: {message}:") if problems else _("Error: {message}")).format(
        message=headline)]
    lines += [f"  {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        hidden = len(problems) - MAX_PROBLEMS_SHOWN
        lines.append("  " + _("... and {count} more (use --json to list all)").format(
            count=format_number(hidden)))
    click.echo("\n".join(lines), err=True)
    return code


def report_crash(ctx: click.Context, exc: BaseException) -> int:
    """Write the crash log of ``exc``, print the paragraph (and JSON with --json); return 1."""
    from salesflow import __version__
    from salesflow.cli.crash import command_line, crash_paragraph, write_crash_log

    command = command_line(ctx.meta.get("salesflow.argv"))
    log = write_crash_log(exc, command=command, command_name=ctx.meta.get(
        "salesflow.command", "salesflow"), store=ctx.meta.get("salesflow.store"),
        version=__version__)
    if wants_json(ctx):
        payload = {"ok": False, "error": f"internal error: {type(exc).__name__}: {exc}",
                   "exit_code": FAILURE_EXIT, "crash_log": str(log), "version": __version__}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    click.echo(crash_paragraph(exc, command=command, version=__version__, log=log), err=True)
    return FAILURE_EXIT


class SalesflowGroup(click.Group):
    """A click group that turns salesflow's errors into messages and exit codes: a user error
    exits with 2 and its message, Ctrl-C with 130 and one line, any other exception (a bug)
    with 1, one paragraph and a crash log (:mod:`salesflow.cli.crash`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta.setdefault("salesflow.argv", list(args))  # the outermost group's: all of it
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name:
            ctx.meta.setdefault("salesflow.command", name)
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        from salesflow.cli.crash import INTERRUPTED_EXIT, interrupted_message, wants_traceback

        try:
            return super().invoke(ctx)
        except UserError as exc:
            ctx.exit(report_error(exc))
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort, BrokenPipeError):
            raise  # click's own answers (usage errors, --help, a closed pipe)
        except KeyboardInterrupt:
            if wants_traceback():
                raise
            click.echo(interrupted_message(), err=True)
            ctx.exit(INTERRUPTED_EXIT)
        except Exception as exc:  # a bug: the paragraph, the crash log, exit 1
            if wants_traceback():
                raise
            ctx.exit(report_crash(ctx, exc))


def tradeoff_progress() -> Callable[[str], None]:
    """One stderr line per trade-off point solved, on a terminal."""
    show = not wants_json() and sys.stderr.isatty()

    def progress(label: str) -> None:
        if show:
            click.echo(_("tradeoff: solving at {point} ...").format(point=label), err=True)
    return progress
