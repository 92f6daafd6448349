"""One OR-Tools routing search on a :class:`~salesflow.optimizer.routing.vrp_model.VrpModel`.

The search is OR-Tools' iterated local search (``SolveWithIteratedLocalSearch``) with the
SISR ruin ("slack induction by string removals", Christiaens & Vanden Berghe 2020), cheapest
insertion as the recreate step, a local search after each recreate and simulated-annealing
acceptance, started from parallel cheapest insertion. The local search uses only the cheap
classic operators (relocate, exchange, cross, 2-opt, or-opt, sub-trip moves, activation
moves): the expensive ones (Lin-Kernighan, the insertion-based path LNS, expensive chains)
cost more time than they save here. Measured on the Solomon instances at equal CPU time this
is far closer to the best-known solutions than guided local search, than pure
ruin-and-recreate and than ILS with every operator (see BENCHMARKS.md).

Mandatory visits are modelled as optional ones with a prohibitive penalty, so a first
solution always exists; a solution that still drops one is reported as infeasible by the
caller. The ``seed`` of a :class:`SearchStrategy` permutes the node numbering that OR-Tools
sees, which changes its tie-breaking and the ruin's random choices: the same model, strategy
and work limit always give the same routes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from google.protobuf import text_format
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util.optional_boolean_pb2 import BOOL_FALSE

from salesflow.optimizer.routing.vrp_model import ModelSolution, VrpModel

SOFT_PENALTY_CAP = 2**52

ILS_MIN_VISITS = 5
"""Models with fewer visits are searched with guided local search instead of the ILS. OR-Tools
9.15's SISR ruin picks a random *performed* visit in a loop that never ends when the solution
performs none (seen on one delivery with vehicles at two depots: the call ignored its time
limit for good); with so few visits guided local search finds the optimum anyway. Larger models
keep the ILS untouched (a first-solution probe on the same routing model would change its
search): stops no vehicle can serve alone are left out before the model is built, so their
first solution performs visits."""
"""Largest penalty used for a mandatory visit (keeps objective sums well inside int64)."""

_EXPENSIVE_OPERATORS = (
    "use_lin_kernighan", "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_shortest_path_swap_active", "use_swap_active_chain", "use_shortest_path_two_opt",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns", "use_make_chain_inactive",
    "use_relocate_expensive_chain")
"""Local search operators switched off for the ILS (slow for what they find here)."""

FIRST_SOLUTIONS = ("PARALLEL_CHEAPEST_INSERTION", "LOCAL_CHEAPEST_INSERTION", "SAVINGS",
                   "PATH_CHEAPEST_ARC", "SEQUENTIAL_CHEAPEST_INSERTION")


@dataclass(frozen=True)
class SearchStrategy:
    """How one search of the portfolio runs.

    Attributes
    ----------
    name:
        Label reported with the solution.
    seed:
        Permutes the node numbering seen by OR-Tools (0: the model's own order).
    first_solution:
        OR-Tools first solution strategy, one of :data:`FIRST_SOLUTIONS`.
    initial_temperature, final_temperature:
        Simulated-annealing temperatures of the ILS acceptance, as multiples of the model's
        mean arc cost (:func:`reference_arc_cost`).
    avg_removed, max_string:
        SISR parameters: visits removed on average per ruin, longest removed string.
    improve_perturbed:
        Run OR-Tools' local search (cheap operators) after every recreate.
    guided_local_search:
        Use guided local search instead of the ILS (the plain OR-Tools set-up, kept for
        comparison).

    Raises
    ------
    ValueError
        If a value is out of range.
    """

    name: str = "ils-sisr"
    seed: int = 0
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    initial_temperature: float = 2.7
    final_temperature: float = 0.008
    avg_removed: int = 10
    max_string: int = 10
    improve_perturbed: bool = True
    guided_local_search: bool = False

    def __post_init__(self) -> None:
        if self.first_solution not in FIRST_SOLUTIONS:
            raise ValueError(f"first_solution must be one of {FIRST_SOLUTIONS}; "
                             f"got {self.first_solution!r}")
        if not 0 < self.final_temperature <= self.initial_temperature:
            raise ValueError("temperatures must satisfy 0 < final <= initial; got "
                             f"{self.final_temperature}, {self.initial_temperature}")
        if self.avg_removed < 1 or self.max_string < 1 or self.seed < 0:
            raise ValueError("avg_removed and max_string must be >= 1 and seed >= 0")


def reference_arc_cost(model: VrpModel) -> float:
    """Mean cost of an arc between two distinct nodes, averaged over the vehicles' classes.

    Used to express annealing temperatures independently of the cost unit.
    """
    n = model.num_nodes
    classes = [v.cost_class for v in model.vehicles]
    weights = np.bincount(classes, minlength=model.arc_costs.shape[0]) / len(classes)
    off_diagonal = ~np.eye(n, dtype=bool)
    means = np.array([float(c[off_diagonal].mean()) if n > 1 else 0.0
                      for c in model.arc_costs])
    return max(float((weights * means).sum()), 1.0)


def _soft_penalty(model: VrpModel) -> int:
    """A drop cost above anything serving a visit can cost."""
    n = model.num_nodes
    worst_arc = int(model.arc_costs.max()) if model.arc_costs.size else 0
    fixed = sum(v.fixed_cost for v in model.vehicles)
    timing = max((v.cost_per_time for v in model.vehicles), default=0) * model.horizon
    return int(min(SOFT_PENALTY_CAP, 10 * (2 * n * max(worst_arc, 1) + fixed + timing) + 1))


def permutation(model: VrpModel, seed: int) -> np.ndarray:
    """``perm[k]`` = model node shown to OR-Tools as node ``k`` (identity for seed 0)."""
    n = model.num_nodes
    if seed == 0:
        return np.arange(n)
    return np.random.default_rng(seed).permutation(n)


class _Built:
    """The OR-Tools objects of one search (kept alive together)."""

    def __init__(self, model: VrpModel, perm: np.ndarray) -> None:
        self.model = model
        self.perm = perm
        inverse = np.empty_like(perm)
        inverse[perm] = np.arange(len(perm))
        self.inverse = inverse
        starts = [int(inverse[v.start_node]) for v in model.vehicles]
        ends = [int(inverse[v.end_node]) for v in model.vehicles]
        self.manager = pywrapcp.RoutingIndexManager(model.num_nodes, len(model.vehicles),
                                                    starts, ends)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self._add_costs()
        self._add_time()
        self._add_loads()
        self._add_drops()

    def _matrix(self, values: np.ndarray) -> list[list[int]]:
        return values[np.ix_(self.perm, self.perm)].tolist()

    def _add_costs(self) -> None:
        routing, model = self.routing, self.model
        callbacks = [routing.RegisterTransitMatrix(self._matrix(c)) for c in model.arc_costs]
        for k, vehicle in enumerate(model.vehicles):
            routing.SetArcCostEvaluatorOfVehicle(callbacks[vehicle.cost_class], k)
            if vehicle.fixed_cost:
                routing.SetFixedCostOfVehicle(int(vehicle.fixed_cost), k)

    def _add_time(self) -> None:
        routing, model, manager = self.routing, self.model, self.manager
        self.time = None
        if not model.is_timed:
            return
        transit = routing.RegisterTransitMatrix(self._matrix(model.transit))
        horizon = int(model.horizon)
        routing.AddDimension(transit, horizon, horizon, False, "time")
        self.time = routing.GetDimensionOrDie("time")
        depots = model.depot_nodes
        for node in range(model.num_nodes):
            original = int(self.perm[node])
            if original in depots:
                continue
            index = manager.NodeToIndex(node)
            self.time.CumulVar(index).SetRange(int(model.window_open[original]),
                                               int(model.window_close[original]))
        for k, vehicle in enumerate(model.vehicles):
            self.time.CumulVar(routing.Start(k)).SetRange(int(vehicle.earliest_start),
                                                          int(vehicle.latest_end))
            self.time.CumulVar(routing.End(k)).SetRange(int(vehicle.earliest_start),
                                                        int(vehicle.latest_end))
            if vehicle.max_duration is not None:
                self.time.SetSpanUpperBoundForVehicle(int(vehicle.max_duration), k)
            if vehicle.cost_per_time:
                self.time.SetSpanCostCoefficientForVehicle(int(vehicle.cost_per_time), k)
                routing.AddVariableMinimizedByFinalizer(self.time.CumulVar(routing.End(k)))
                routing.AddVariableMaximizedByFinalizer(self.time.CumulVar(routing.Start(k)))

    def _add_loads(self) -> None:
        routing, model = self.routing, self.model
        for dim in range(model.demands.shape[1]):
            demand = model.demands[self.perm, dim]
            callback = routing.RegisterUnaryTransitVector([int(d) for d in demand])
            routing.AddDimensionWithVehicleCapacity(
                callback, 0, [int(v.capacities[dim]) for v in model.vehicles], True,
                f"load{dim}")

    def _add_drops(self) -> None:
        model, manager = self.model, self.manager
        soft = _soft_penalty(model)
        depots = model.depot_nodes
        for node in range(model.num_nodes):
            original = int(self.perm[node])
            if original in depots:
                continue
            penalty = soft if model.drop_penalty is None else int(model.drop_penalty[original])
            self.routing.AddDisjunction([manager.NodeToIndex(node)], penalty)

    def decode(self, assignment: pywrapcp.Assignment) -> tuple[list[tuple[int, ...]],
                                                                 list[int]]:
        routing, manager = self.routing, self.manager
        routes, starts = [], []
        for k in range(len(self.model.vehicles)):
            index = routing.Start(k)
            starts.append(0 if self.time is None
                          else int(assignment.Min(self.time.CumulVar(index))))
            stops = []
            index = assignment.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                stops.append(int(self.perm[manager.IndexToNode(index)]))
                index = assignment.Value(routing.NextVar(index))
            routes.append(tuple(stops))
        return routes, starts


def search_parameters(model: VrpModel, strategy: SearchStrategy, seconds: float,
                      solution_limit: int | None) -> object:
    """The ``RoutingSearchParameters`` of ``strategy`` with these limits."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy,
                                             strategy.first_solution)
    params.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    if solution_limit is not None:
        params.solution_limit = int(solution_limit)
    if strategy.guided_local_search:
        # One visit: the local search's moves reach every choice (each vehicle, or none),
        # so its first local optimum is the optimum. Guided local search would find no
        # other solution to count towards the work limit and run to the clock.
        metaheuristic = ("GREEDY_DESCENT" if len(model.visits) <= 1
                         else "GUIDED_LOCAL_SEARCH")
        params.local_search_metaheuristic = getattr(
            routing_enums_pb2.LocalSearchMetaheuristic, metaheuristic)
        return params
    scale = reference_arc_cost(model)
    operators = params.local_search_operators
    for name in _EXPENSIVE_OPERATORS:
        setattr(operators, name, BOOL_FALSE)
    text_format.Merge(f"""
        use_iterated_local_search: true
        iterated_local_search_parameters {{
          perturbation_strategy: RUIN_AND_RECREATE
          improve_perturbed_solution: {str(strategy.improve_perturbed).lower()}
          ruin_recreate_parameters {{
            ruin_strategies {{ sisr {{
              max_removed_sequence_size: {strategy.max_string}
              avg_num_removed_visits: {strategy.avg_removed}
              bypass_factor: 0.01 }} }}
            recreate_strategy {{ heuristic: LOCAL_CHEAPEST_INSERTION }}
          }}
          reference_solution_acceptance_strategy {{ simulated_annealing {{
            cooling_schedule_strategy: EXPONENTIAL
            initial_temperature: {strategy.initial_temperature * scale:.6g}
            final_temperature: {strategy.final_temperature * scale:.6g}
            automatic_temperatures: false }} }}
          best_solution_acceptance_strategy {{ greedy_descent {{ }} }}
        }}""", params)
    return params


def run_search(model: VrpModel, strategy: SearchStrategy, deadline: float,
               solution_limit: int | None = None,
               on_solution: Callable[[int], None] | None = None) -> ModelSolution:
    """Search ``model`` with ``strategy`` until ``deadline`` or ``solution_limit``.

    Parameters
    ----------
    model:
        The model.
    strategy:
        How to search.
    deadline:
        Wall-clock time (``time.time()``) by which the search must have returned; building
        the OR-Tools model counts against it.
    solution_limit:
        Stop after this many OR-Tools solutions (a deterministic work limit), if given.
    on_solution:
        Called with the objective of every improving solution.

    Returns
    -------
    ModelSolution
        Status ``"infeasible"`` when no solution was found in time.
    """
    began = time.time()
    built = _Built(model, permutation(model, strategy.seed))
    remaining = deadline - time.time() - 0.05
    if remaining <= 0.01:
        return ModelSolution((), None, (), "infeasible", time.time() - began, strategy.name)
    params = search_parameters(model, strategy, remaining, solution_limit)
    routing = built.routing
    if on_solution is not None:
        # The callback must not hold the routing model: OR-Tools keeps the callback alive
        # as long as the model, and such a cycle through C++ is never collected.
        cost = routing.CostVar()

        def report() -> None:
            on_solution(int(cost.Min()))

        routing.AddAtSolutionCallback(report)
    if not strategy.guided_local_search and len(model.visits) < ILS_MIN_VISITS:
        strategy = replace(strategy, guided_local_search=True)
        params = search_parameters(model, strategy, max(0.01, deadline - time.time() - 0.05),
                                   solution_limit)
    if strategy.guided_local_search:
        assignment = routing.SolveWithParameters(params)
    else:
        assignment = routing.SolveWithIteratedLocalSearch(params)
    if assignment is None:
        return ModelSolution((), None, (), "infeasible", time.time() - began, strategy.name)
    routes, starts = built.decode(assignment)
    served = {node for route in routes for node in route}
    dropped = tuple(node for node in model.visits if node not in served)
    return ModelSolution(tuple(routes), int(assignment.ObjectiveValue()), dropped,
                         "feasible", time.time() - began, strategy.name, tuple(starts))

