"""Readers (and, for VRPLIB, writers) of public benchmark formats: M3 forecasting series,
Solomon and VRPLIB routing instances and solutions, Trigeiro lot-sizing instances and the
Curtois & Qu shift-scheduling instances. Where the files are is always the caller's argument.

Each reader is re-exported here; importing this package loads none of them until it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow._lazy import lazy_exports

if TYPE_CHECKING:
    from salesflow.data.instances.curtois import (
        CurtoisInstance,
        parse_curtois,
        read_best_known,
        read_curtois,
    )
    from salesflow.data.instances.lotsizing import (
        LotSizingInstance,
        read_known_values,
        read_trigeiro,
    )
    from salesflow.data.instances.m3 import M3Group, read_m3
    from salesflow.data.instances.vrp_formats import (
        VrpInstance,
        parse_solomon,
        parse_vrplib,
        read_instance,
    )
    from salesflow.data.instances.vrp_solutions import (
        parse_vrplib_solution,
        read_bks,
        read_vrplib_solution,
        vrplib_solution_text,
    )
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "CurtoisInstance": "curtois",
        "parse_curtois": "curtois",
        "read_best_known": "curtois",
        "read_curtois": "curtois",
        "LotSizingInstance": "lotsizing",
        "read_known_values": "lotsizing",
        "read_trigeiro": "lotsizing",
        "M3Group": "m3",
        "read_m3": "m3",
        "VrpInstance": "vrp_formats",
        "parse_solomon": "vrp_formats",
        "parse_vrplib": "vrp_formats",
        "read_instance": "vrp_formats",
        "parse_vrplib_solution": "vrp_solutions",
        "read_bks": "vrp_solutions",
        "read_vrplib_solution": "vrp_solutions",
        "vrplib_solution_text": "vrp_solutions",
    })

__all__ = [
    "CurtoisInstance",
    "LotSizingInstance",
    "M3Group",
    "VrpInstance",
    "parse_curtois",
    "parse_solomon",
    "parse_vrplib",
    "parse_vrplib_solution",
    "read_best_known",
    "read_bks",
    "read_curtois",
    "read_instance",
    "read_known_values",
    "read_m3",
    "read_trigeiro",
    "read_vrplib_solution",
    "vrplib_solution_text",
]
