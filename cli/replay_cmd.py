"""``salesflow replay``: the purchasing cycle over past weeks, salesflow vs the baselines."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from salesflow.cli.common import (
    TIME_LIMIT_HELP,
    common_options,
    emit,
    use_dataset_language,
    wants_json,
)
from salesflow.data.i18n import _, format_number, format_percent
from salesflow.data.outputs.kpi_text import rule_label


@click.command("replay", epilog="""\b
Examples:
  salesflow replay --from 2026-W36 --to 2026-W47     the last 12 weeks of the sample
  salesflow replay --from 2026-W44 --to 2026-W47 --time-limit 20 --json
  salesflow replay --from 2026-W36 --to 2026-W47 --bound 300   with the least cost possible
                                                  and the share of the gap salesflow captures
""")
@click.option("--from", "first", required=True, metavar="YYYY-Www",
              help="First week to replay (ISO week).")
@click.option("--to", "last", required=True, metavar="YYYY-Www",
              help="Last week to replay (ISO week, inclusive).")
@click.option("--time-limit", type=click.FloatRange(min=0.1, max=86400), default=None,
              metavar="SECONDS", help=TIME_LIMIT_HELP + " Here: each week's purchase solve.")
@click.option("--bound", "bound_seconds", type=click.FloatRange(min=1, max=86400),
              default=None, metavar="SECONDS",
              help="Also compute, within SECONDS, a lower bound on the cost of any purchasing "
                   "policy over these weeks: the weeks solved knowing the actual demand, "
                   "without the warehouse limit.")
@common_options
def replay_command(first: str, last: str, time_limit: float | None,
                   bound_seconds: float | None, data_dir: Path | None, store: str,
                   as_json: bool) -> None:
    """Run the weekly purchasing cycle week after week over past data, as if live.

    Each week every policy sees only the sales before that week, forecasts, plans and places
    that week's orders; the week's actual demand is then served from its stock. Reported per
    policy: realized purchase, ordering, holding and shortage cost, fill rate and inventory
    turnover, salesflow beside each baseline. Nothing is written to the store.

    With --bound, the same weeks are also solved with the actual demand known in advance
    (perfect foresight) and no warehouse limit: no policy that orders on the suppliers' days,
    in whole packs and MOQs, can cost less than that bound, so it shows how much any policy
    could still gain, and the share of the gap between the baseline and that bound each
    policy captures (1 = at the bound).
    """
    from salesflow.data.dataset import load_dataset, sample_data_dir
    from salesflow.data.dataset.config import parse_iso_week
    from salesflow.data.errors import InvalidInputError, Problem
    from salesflow.optimizer.replay import run_replay
    from salesflow.optimizer.replay_baseline import change as replay_change
    from salesflow.optimizer.replay_baseline import (
        company_outcome,
        company_rule,
        policy_name,
        with_company_rule,
    )
    from salesflow.optimizer.replay_bound import captured_share
    from salesflow.optimizer.replay_policies import replay_policies

    weeks = []
    for option, text in (("--from", first), ("--to", last)):
        try:
            weeks.append(parse_iso_week(text))
        except ValueError as exc:
            raise InvalidInputError([Problem(option, None, None, text, str(exc))]) from None
    dataset = load_dataset(data_dir or sample_data_dir())
    use_dataset_language(dataset.config)
    policies = with_company_rule(dataset, replay_policies(dataset, time_limit))
    show = not wants_json() and sys.stderr.isatty()
    if show:
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(_("replay"), total=None)

            def progress(done: int, total: int, label: str) -> None:
                bar.update(task, completed=done, total=total,
                           description=_("replay {week}").format(week=label))

            result = run_replay(dataset, weeks[0], weeks[1], policies, progress)
    else:
        result = run_replay(dataset, weeks[0], weeks[1], policies)
    bound = None
    if bound_seconds is not None:
        from salesflow.optimizer.replay_bound import foresight_bound

        if show:
            click.echo(_("computing the perfect-foresight bound ..."), err=True)
        bound = foresight_bound(dataset, weeks[0], weeks[1], time_limit_seconds=bound_seconds,
                                workers=dataset.config.solver.workers,
                                seed=dataset.config.planning.seed)
    best = result.best_baseline()
    company = company_outcome(dataset, result)
    rule = policy_name(company_rule(dataset))
    rows: list[dict[str, Any]] = [o.to_dict() for o in result.outcomes]
    for row, outcome in zip(rows, result.outcomes, strict=True):
        versus = None if company is None else replay_change(outcome, company)
        row["vs_baseline"] = None if versus is None else round(versus, 4)
        cheapest = None if best is None else replay_change(outcome, best)
        row["vs_best_baseline"] = None if cheapest is None else round(cheapest, 4)
        if bound is not None:
            share = None if company is None else captured_share(outcome, company, bound)
            row["captured_share"] = None if share is None else round(share, 4)

    def human() -> None:
        click.echo(_("Replay of {weeks} weeks from {first} to {last} ({skus} SKUs, actual "
                     "demand):").format(weeks=result.weeks, first=first, last=last,
                                        skus=format_number(len(dataset.skus))))
        headers = [_("policy"), _("purchase"), _("ordering"), _("holding"), _("shortage"),
                   _("stock change"), _("cost"),
                   _("vs baseline ({rule})").format(rule=rule_label(rule)), _("fill rate"),
                   _("turnover/month"), _("peak m3"), _("weeks over capacity")]
        click.echo("| " + " | ".join(headers) + " |")
        click.echo("|" + " --- |" * len(headers))
        for row in rows:
            versus = "" if row["vs_baseline"] is None else format_percent(
                row["vs_baseline"], 2, signed=True)
            turnover = row["inventory_turnover_per_month"]
            change = format_number(row["stock_change"])
            cells = [rule_label(row["policy"]), format_number(row["purchase"]),
                     format_number(row["ordering"]), format_number(row["holding"]),
                     format_number(row["shortage"]),
                     ("+" + change) if row["stock_change"] > 0 else change,
                     format_number(row["cost"]), versus, format_percent(row["fill_rate"]),
                     _("n/a") if turnover is None else format_number(turnover, 2),
                     format_number(row["peak_stock_m3"], 1),
                     str(row["weeks_over_capacity"])]
            click.echo("| " + " | ".join(cells) + " |")
        click.echo(_("Baseline: the company's rule {rule} (config.toml [baseline]) in every "
                     "week. Costs are net of the change in stock value.").format(
            rule=rule_label(rule)))
        if best is not None and best.policy != rule:
            click.echo(_("Cheapest rule over these weeks: {policy} (whose stock always fit "
                         "the warehouse, if any did), shown for reference.").format(
                policy=rule_label(best.policy)))
        if bound is not None:
            versus = "" if company is None or company.procurement_cost == 0 else \
                _(" ({change} vs the baseline)").format(change=format_percent(
                    bound.bound / company.procurement_cost - 1, signed=True))
            click.echo(_("Perfect-foresight bound: no policy costs less than {bound}{versus}; "
                         "{solved} of {parts} suppliers solved to proof in {seconds} s.").format(
                bound=format_number(bound.bound), versus=versus, solved=bound.optimal_parts,
                parts=bound.parts, seconds=format_number(bound.runtime)))
            for row in rows:
                if not row["baseline"] and row.get("captured_share") is not None:
                    click.echo(_("{policy} captures {share} of the gap between the baseline "
                                 "({rule}) and the bound.").format(
                        policy=rule_label(row["policy"]),
                        share=format_percent(row["captured_share"], 0), rule=rule_label(rule)))

    emit({"ok": True, "from": first, "to": last, "weeks": result.weeks,
          "baseline": rule,
          "best_baseline": None if best is None else best.policy, "policies": rows,
          "foresight_bound": None if bound is None else bound.to_dict()}, human)
