"""The replay's baseline: the company's current rule (``config.toml`` ``[baseline]``), the same
one in every week, as in :mod:`salesflow.optimizer.accounting`.

The other ERP rules still run beside it; the cheapest of them over the replay may be shown,
labelled as such, never instead of the company's rule.
"""

from __future__ import annotations

from dataclasses import replace

from salesflow.data.dataset import Dataset
from salesflow.optimizer.purchasing.baselines import BaselineRule, baseline_plan
from salesflow.optimizer.purchasing.plan import PurchasePlan
from salesflow.optimizer.purchasing.problem import PurchaseProblem
from salesflow.optimizer.replay import PolicyOutcome, ReplayPolicy, ReplayResult


class CompanyRule:
    """The company's rule as a replay purchaser: ``purchaser(problem) -> plan``."""

    def __init__(self, rule: BaselineRule) -> None:
        self.rule = rule

    def __call__(self, problem: PurchaseProblem) -> PurchasePlan:
        return baseline_plan(problem, self.rule)


def company_rule(dataset: Dataset) -> BaselineRule:
    return BaselineRule.from_config(dataset.config.baseline)


def policy_name(rule: BaselineRule) -> str:
    """The replay name of the company's rule: its rule name, with its parameters when they
    are not the defaults (then the plain rule runs beside it under its own name)."""
    return rule.describe()


def with_company_rule(dataset: Dataset, policies: list[ReplayPolicy]) -> list[ReplayPolicy]:
    """``policies`` with the company's rule as a baseline: the policy of the same name takes
    the configured parameters, or it is added after the first baseline's forecaster."""
    rule = company_rule(dataset)
    name = policy_name(rule)
    out = []
    found = False
    for policy in policies:
        if policy.is_baseline and policy.name == name:
            out.append(replace(policy, purchaser=CompanyRule(rule)))
            found = True
        else:
            out.append(policy)
    if not found:
        forecaster = next((p.forecaster for p in policies if p.is_baseline), None)
        if forecaster is None:
            raise ValueError("the replay needs at least one baseline policy")
        out.append(ReplayPolicy(name, forecaster, CompanyRule(rule)))
    return out


def company_outcome(dataset: Dataset, result: ReplayResult) -> PolicyOutcome | None:
    """The outcome of the company's rule in ``result`` (``None`` when it did not run)."""
    name = policy_name(company_rule(dataset))
    return next((o for o in result.outcomes if o.is_baseline and o.policy == name), None)


def change(outcome: PolicyOutcome, baseline: PolicyOutcome) -> float | None:
    """(outcome − baseline) / baseline on the replay's net cost, in cents as stated."""
    base = round(baseline.procurement_cost, 2)
    if base <= 0:
        return None
    return (round(outcome.procurement_cost, 2) - base) / base
