"""``solve_purchasing(problem, limits) -> PurchaseSolution``: the optimizing purchase policy.

Nothing but capacities and the budget ties one supplier's orders to another's, so the problem
is first solved supplier by supplier. Each supplier's start (the cheapest of the baselines and
the order-pattern heuristic) and bound (its SKUs' dynamic-program bounds,
:mod:`~salesflow.optimizer.purchasing.sku_dp`) are computed without a solver or a clock, as
parallel tasks on large problems; then the suppliers' MIPs, in parallel threads with the time
limit shared out among them, replace a start and raise a bound where they end by their gap.
If the combined plan keeps every warehouse, receiving and budget limit, it is the plan, and
the sum of the suppliers' bounds is a bound for the whole. If it breaks one on a small problem,
the whole problem is solved jointly in the time left (the decomposed plan stays the fallback,
and its bounds stay valid: dropping the coupling rows relaxes the problem).

Same inputs and seed, same plan: nothing but a MIP that ends by its gap changes the starts,
and which MIPs end does not depend on the clock unless the machine is too slow for the
guard (a MIP stopped by its time limit is not used).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from salesflow.forecasting.parallel import map_parts
from salesflow.optimizer.limits import SolveLimits
from salesflow.optimizer.purchasing.baselines import BASELINES
from salesflow.optimizer.purchasing.bounds import lower_bound
from salesflow.optimizer.purchasing.break_lots import with_break_lots
from salesflow.optimizer.purchasing.decompose import sku_bounds
from salesflow.optimizer.purchasing.heuristic import pattern_plan
from salesflow.optimizer.purchasing.mip import SOLVERS, solve_mip
from salesflow.optimizer.purchasing.model import (
    PurchaseModel,
    build_model,
    integer_hint,
)
from salesflow.optimizer.purchasing.plan import PurchaseLine, PurchasePlan, evaluate_plan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.purchasing.reasons import explain
from salesflow.optimizer.purchasing.score import objective_parts
from salesflow.optimizer.purchasing.sku_dp import sku_dp_plans
from salesflow.optimizer.result import (
    STOP_PROOF,
    STOP_TIME,
    SolveStatus,
    relative_gap,
)

POLICY = "optimized"
JOINT_CELLS = 1_500  # SKUs × weeks up to which a binding coupling is solved jointly at once
REPAIR_CELLS = 6_000
"""SKUs × weeks up to which a broken coupling is repaired by the joint MIP in the time left;
beyond, the plan keeps the broken limit at its price (the joint model of 2,000 SKUs neither
ends nor often improves in a minute, and one stopped by the clock depends on the machine)."""
MIN_PART_SECONDS = 0.3
PARALLEL_SKUS = 5_000
"""SKUs from which the suppliers' starts and bounds run as parallel tasks
(:func:`~salesflow.forecasting.parallel.map_parts`); below, starting workers costs more than
the 2-3 s of CPU they share."""
COUPLINGS = ("warehouse capacity", "receiving capacity", "budget")
RELATIVE_GAP = 1e-2
"""The gap a solve stops at when ``SolveLimits.relative_gap`` is ``None``."""
STOP_PARTS = "parts solved"
"""Every MIP ended by its gap, yet the plan is not proven within the gap of the bound: a MIP
credits the stock left to whichever lines it likes best (a relaxation of first in first out,
see :func:`~salesflow.optimizer.purchasing.model.add_demand_flows`), so its optimum may score
more than its bound. Nothing was stopped by the clock."""
BACKEND = "highs"
"""The MIP solver behind OR-Tools MathOpt unless another of :data:`SOLVERS` is named."""

ProgressCallback = Callable[[int, int, str], None]
"""``progress(done, total, label)`` after each subproblem."""


@dataclass(frozen=True)
class PartOutcome:
    """How one MIP (a supplier's, or the joint one) went."""

    name: str
    skus: int
    status: str
    objective: float | None
    bound: float | None
    runtime: float

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "skus": self.skus, "status": self.status,
                "objective": None if self.objective is None else round(self.objective, 2),
                "bound": None if self.bound is None else round(self.bound, 2),
                "runtime_s": round(self.runtime, 2)}


@dataclass(frozen=True)
class PurchaseSolution:
    """The optimized plan and how the solve went.

    ``objective`` and ``bound`` are in the model's terms: the plan's cost plus the prices of
    broken limits, safety stock shortfall and avoidable lateness (zero for a plan that keeps
    every rule and target), less the credited value of the stock left at the end
    (:func:`~salesflow.optimizer.purchasing.score.objective_parts`). ``status`` is
    ``optimal`` when the plan is within the gap of the bound, ``feasible`` otherwise; when
    the plan breaks a hard limit (an infinite violation rate) ``objective`` is ``None`` and
    ``status`` is ``infeasible`` (proven) or ``no solution`` (none found in time), and the
    best start stands in as the plan.
    ``stop_reason``: ``proof`` (optimal within the gap, or infeasible), ``time limit`` or
    :data:`STOP_PARTS`.
    The common fields are those of :class:`~salesflow.optimizer.result.SolveOutcome`.
    """

    plan: PurchasePlan
    status: SolveStatus
    objective: float | None
    bound: float | None
    runtime: float
    decomposed: bool
    parts: tuple[PartOutcome, ...]
    stop_reason: str = STOP_PROOF

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)

    def to_dict(self) -> dict[str, object]:
        return {"status": str(self.status),
                "objective": None if self.objective is None else round(self.objective, 2),
                "bound": None if self.bound is None else round(self.bound, 2),
                "gap": None if self.gap is None else round(self.gap, 6),
                "runtime_s": round(self.runtime, 2), "decomposed": self.decomposed,
                "parts": len(self.parts),
                "parts_optimal": sum(p.status == "optimal" for p in self.parts)}


def plan_lines(model: PurchaseModel, values: np.ndarray) -> list[PurchaseLine]:
    """The lines a solution orders (quantity > 0), reasons not yet written."""
    problem = model.problem
    lines = []
    packs = model.line_packs(values)
    order_days = {s: problem.order_days(s) for s in problem.suppliers}
    for column, count in zip(model.lines, packs, strict=True):
        if count <= 0:
            continue
        item = problem.items[column.item]
        terms = problem.suppliers[item.supplier_id]
        day = order_days[item.supplier_id][column.week]
        quantity = int(count) * item.pack_size
        lines.append(PurchaseLine(item.sku, item.supplier_id, day,
                                  day + dt.timedelta(days=terms.lead_time_days), quantity,
                                  item.unit_price(quantity), ""))
    return lines


@dataclass(frozen=True)
class _Part:
    name: str
    problem: PurchaseProblem
    lines: tuple[PurchaseLine, ...]
    outcome: PartOutcome
    solved: bool


def _model_score(problem: PurchaseProblem, lines: list[PurchaseLine]) -> float:
    """What the model minimises, recomputed by the evaluator (see
    :func:`~salesflow.optimizer.purchasing.score.objective_parts`)."""
    return objective_parts(problem, lines).total


def best_start(problem: PurchaseProblem,
               candidates: list[list[PurchaseLine]] | None = None) -> list[PurchaseLine]:
    """The cheapest (by the model's score) of the baselines' plans, the order-pattern
    heuristic's and ``candidates``."""
    plans = [list(policy(problem).lines) for policy in BASELINES.values()]
    plans.append(pattern_plan(problem))
    plans += candidates or []
    return min(plans, key=lambda lines: _model_score(problem, lines))


def _packs(problem: PurchaseProblem, lines: list[PurchaseLine]) -> dict[tuple[int, int], int]:
    index = {item.sku: i for i, item in enumerate(problem.items)}
    packs: dict[tuple[int, int], int] = {}
    for line in lines:
        i = index[line.sku]
        key = (i, problem.week_of(line.order_date))
        packs[key] = packs.get(key, 0) + line.quantity // problem.items[i].pack_size
    return packs


def _solve_part(name: str, problem: PurchaseProblem, limits: SolveLimits, backend: str,
                time_limit: float, candidates: list[list[PurchaseLine]]) -> _Part:
    """Solve one MIP, started from the best of ``candidates`` (which stands in if nothing is
    found)."""
    start = min(candidates, key=lambda lines: _model_score(problem, lines))
    model = build_model(problem)
    # A start that breaks a capacity misleads the search more than it helps: none then.
    hint = None if problem.coupled and _coupling_broken(problem, start) \
        else integer_hint(model, _packs(problem, start))
    outcome = solve_mip(model.builder, solver=backend, time_limit=time_limit,
                        seed=limits.seed, relative_gap=limits.gap(RELATIVE_GAP), hint=hint)
    part = PartOutcome(name, len(problem.items), outcome.status, outcome.objective,
                       outcome.bound, outcome.runtime)
    if outcome.values is None:
        return _Part(name, problem, tuple(start), part, False)
    return _Part(name, problem, tuple(plan_lines(model, outcome.values)), part, True)


def _coupling_broken(problem: PurchaseProblem, lines: list[PurchaseLine]) -> bool:
    evaluation = evaluate_plan(problem, PurchasePlan(tuple(lines), POLICY))
    return any(v.constraint in COUPLINGS for v in evaluation.violations)


@dataclass(frozen=True)
class PartStart:
    """A supplier's start: the plan, its model score and a lower bound."""

    lines: tuple[PurchaseLine, ...]
    score: float
    bound: float


def start_part(part: PurchaseProblem, _shared: object = None) -> PartStart:
    """One supplier's start (:func:`best_start`, re-planned per SKU by :func:`resized_lines`
    and :func:`~salesflow.optimizer.purchasing.break_lots.with_break_lots` where that scores
    less) and bound: the better of the closed-form
    bound and the sum of its SKUs' dynamic-program bounds
    (:func:`~salesflow.optimizer.purchasing.decompose.sku_bounds`). A task of
    :func:`~salesflow.forecasting.parallel.map_parts`: no clock, the same every run."""
    lines = best_start(part)
    score = _model_score(part, lines)
    for candidate in resized_lines(part, lines):
        candidate_score = _model_score(part, candidate)
        if candidate_score < score:
            lines, score = candidate, candidate_score
    lines, score = with_break_lots(part, lines, score)
    bound = max(lower_bound(part), float(sku_bounds(part, range(len(part.items))).sum()))
    return PartStart(tuple(lines), score, bound)


def resized_lines(part: PurchaseProblem, lines: list[PurchaseLine]) -> list[list[PurchaseLine]]:
    """``lines`` with SKUs' lines replaced by the dynamic program's cheapest ones in the same
    supplier order weeks (:func:`~salesflow.optimizer.purchasing.sku_dp.sku_dp_plans`): once
    for the SKUs it plans exactly, once for every SKU (fewer when nothing differs)."""
    weeks = sorted({part.week_of(line.order_date) for line in lines})
    if not weeks:
        return []
    plans, exact = sku_dp_plans(part, range(len(part.items)), weeks)
    out: list[list[PurchaseLine]] = []
    for chosen in (exact, np.ones_like(exact)):
        if not chosen.any() or (out and chosen.all() and exact.all()):
            continue
        replaced = {part.items[i].sku for i in np.flatnonzero(chosen)}
        candidate = [line for line in lines if line.sku not in replaced]
        for i in np.flatnonzero(chosen):
            item = part.items[i]
            terms = part.suppliers[item.supplier_id]
            days = part.order_days(item.supplier_id)
            candidate += [PurchaseLine(item.sku, item.supplier_id, days[w],
                                       days[w] + dt.timedelta(days=terms.lead_time_days),
                                       units, item.unit_price(units), "")
                          for w, units in plans[i] if units > 0]
        out.append(candidate)
    return out


@dataclass
class _Piece:
    """One supplier's share of the decomposed solve."""

    name: str
    problem: PurchaseProblem
    lines: list[PurchaseLine]
    score: float
    bound: float
    size: int
    outcome: PartOutcome | None = None


def solve_purchasing(problem: PurchaseProblem, limits: SolveLimits | None = None,
                     progress: ProgressCallback | None = None, *,
                     backend: str = BACKEND) -> PurchaseSolution:
    """The cheapest plan the solver finds within ``limits``.

    1. Per supplier, a start: the cheapest of the baselines and the order-pattern heuristic,
       and a lower bound: the better of the closed-form bound and the sum of its SKUs'
       dynamic-program bounds. Together they are already a plan and a bound (parallel tasks
       from :data:`PARALLEL_SKUS` SKUs).
    2. If a warehouse, receiving or budget limit binds the start of a small problem, the
       joint MIP gets the whole time. Otherwise each supplier's MIP not yet within the gap,
       started from its start, gets a share of the time by its size, largest gap first, in
       parallel threads; its plan and bound are used when it ends by its gap.
    3. If the combined plan then breaks a coupling limit on a problem of at most
       :data:`REPAIR_CELLS` SKU-weeks, the joint MIP gets the time left.

    ``limits``: time limit of the whole solve, workers (parallel supplier MIPs), seed and
    gap (default :data:`RELATIVE_GAP`); ``backend``: ``highs``, ``scip`` or ``cp-sat``.

    Raises
    ------
    ValueError
        If ``backend`` is not one of :data:`SOLVERS`.
    """
    if backend not in SOLVERS:
        raise ValueError(f"backend must be one of {', '.join(SOLVERS)}; got {backend!r}")
    limits = limits or SolveLimits()
    started = time.perf_counter()
    deadline = started + limits.time_limit_seconds * 0.95
    groups = problem.supplier_groups()
    subs = [problem.restricted(positions, couplings=False) for positions in groups.values()]
    # Starts and bounds are seconds of CPU per 10,000 SKUs: worker processes pay from there.
    jobs = limits.workers if len(problem.items) >= PARALLEL_SKUS else 1
    starts = map_parts(start_part, subs, None, n_jobs=jobs)
    pieces = [_Piece(supplier, sub, list(start.lines), start.score, start.bound,
                     len(sub.items) * problem.weeks)
              for (supplier, sub), start in zip(zip(groups, subs, strict=True), starts,
                                                strict=True)]
    lines = [line for piece in pieces for line in piece.lines]
    total_parts = len(pieces) + (1 if problem.coupled else 0)
    binds = problem.coupled and _coupling_broken(problem, lines)
    outcomes: list[PartOutcome] = []
    statuses: list[str] = []
    settled = False  # every part proven by its bound or its MIP ended by its gap
    if binds and len(problem.items) * problem.weeks <= JOINT_CELLS:
        joint_budget = deadline - time.perf_counter()
    else:
        reserve = 0.1 if problem.coupled else 0.0
        _improve(pieces, limits, backend, started + (deadline - started) * (1 - reserve),
                 progress, total_parts)
        outcomes = [p.outcome for p in pieces if p.outcome is not None]
        statuses = [p.outcome.status if p.outcome is not None else "feasible" for p in pieces]
        settled = all(_proven(p, limits) or (p.outcome is not None and p.outcome.status
                                              == "optimal") for p in pieces)
        lines = [line for piece in pieces for line in piece.lines]
        joint_budget = deadline - time.perf_counter() if problem.coupled and \
            len(problem.items) * problem.weeks <= REPAIR_CELLS and \
            _coupling_broken(problem, lines) else 0.0
    bound: float | None = sum(piece.bound for piece in pieces)
    decomposed = True
    if joint_budget > 0:
        joint = _solve_part("joint", problem, limits, backend, max(joint_budget, 0.5), [lines])
        outcomes.append(joint.outcome)
        if joint.solved and _model_score(problem, list(joint.lines)) \
                < _model_score(problem, lines):
            lines, decomposed = list(joint.lines), False
        settled = joint.outcome.status == "optimal"
        statuses = [joint.outcome.status if joint.solved or joint.outcome.status == "infeasible"
                    else "feasible"]
        if joint.outcome.bound is not None:
            bound = max(bound or 0.0, joint.outcome.bound)
        if progress is not None:
            progress(total_parts, total_parts, "joint")
    score = _model_score(problem, lines)
    objective: float | None = score
    status = SolveStatus.FEASIBLE
    if not math.isfinite(score):  # the plan breaks a hard limit: no plan was found in time
        objective = None
        status = SolveStatus.INFEASIBLE if "infeasible" in statuses \
            else SolveStatus.NO_SOLUTION
    elif bound is not None and score - bound <= limits.gap(RELATIVE_GAP) * max(abs(score), 1):
        status = SolveStatus.OPTIMAL
    stop = STOP_PROOF if status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE) else STOP_TIME
    if stop == STOP_TIME and settled:
        stop = STOP_PARTS
    lines.sort(key=lambda x: (x.order_date, x.supplier_id, x.sku))
    plan = PurchasePlan(tuple(explain(problem, lines)), POLICY)
    return PurchaseSolution(plan, status, objective, bound, time.perf_counter() - started,
                            decomposed, tuple(outcomes), stop)


def _proven(piece: _Piece, limits: SolveLimits) -> bool:
    """Whether the piece's start is already within the gap of its bound."""
    return piece.score - piece.bound <= limits.gap(RELATIVE_GAP) * max(abs(piece.score), 1.0)


def _improve(pieces: list[_Piece], limits: SolveLimits, backend: str, deadline: float,
             progress: ProgressCallback | None, total: int) -> None:
    """Run the MIP of each piece not yet proven from its start, largest gap first, sharing
    the time until ``deadline`` by size. A MIP's plan and bound are taken only when it ends
    by its gap: one stopped by the clock would make the plan depend on the machine's speed
    and load (the clock is a guard; the same inputs and seed give the same plan)."""
    order = sorted((k for k in range(len(pieces)) if not _proven(pieces[k], limits)),
                   key=lambda k: -(pieces[k].score - pieces[k].bound))
    waiting = [sum(pieces[k].size for k in order[n:]) for n in range(len(order))]

    def run(n: int) -> None:
        piece = pieces[order[n]]
        left = deadline - time.perf_counter()
        share = min(1.0, limits.workers * piece.size / max(waiting[n], 1))
        if left * share < MIN_PART_SECONDS:
            return
        part = _solve_part(piece.name, piece.problem, limits, backend, left * share,
                           [piece.lines])
        piece.outcome = part.outcome
        if part.outcome.status != "optimal":
            return  # stopped by the clock: what it found depends on the machine's speed
        score = _model_score(piece.problem, list(part.lines))
        if part.solved and score < piece.score:
            piece.lines, piece.score = list(part.lines), score
        if part.outcome.bound is not None:
            piece.bound = max(piece.bound, part.outcome.bound)

    done = len(pieces) - len(order)  # proven by their bounds already
    with ThreadPoolExecutor(max_workers=limits.workers) as pool:
        for future in [pool.submit(run, n) for n in range(len(order))]:
            future.result()
            done += 1
            if progress is not None:
                progress(done, total, "suppliers")
