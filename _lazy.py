"""Lazy front doors for the packages (PEP 562).

``from salesflow.forecasting import forecast_stage`` works, yet importing a package runs none of
its modules until one of its public names is used, so ``salesflow --help`` never pays for pandas,
scikit-learn or matplotlib, and a package's ``__init__`` adds no import cycle. A package lists
its names in ``__all__``, imports them under ``TYPE_CHECKING`` (what type checkers and editors
read) and, otherwise, installs the loader::

    if TYPE_CHECKING:
        from salesflow.forecasting.engine import Forecaster
    else:
        __getattr__, __dir__ = lazy_exports(__name__, {"Forecaster": "engine"})
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping


def lazy_exports(package: str, attributes: Mapping[str, str],
                 submodules: Iterable[str] = ()) -> tuple[Callable[[str], object],
                                                          Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` that load a package's public names on use.

    Parameters
    ----------
    package:
        The package's ``__name__``.
    attributes:
        Public name -> the module that defines it, relative to the package (``"engine"`` for
        ``salesflow.forecasting.engine``).
    submodules:
        Sub-modules that are public names themselves (``salesflow.data.outputs.report``).

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)`` for the package's namespace. A loaded name is stored in it,
        so each is looked up once.

    Raises
    ------
    AttributeError
        From the returned ``__getattr__``, for a name the package does not export (as for
        any module); Python's import system relies on it to find sub-modules.
    """
    names = dict(attributes)
    modules = frozenset(submodules)

    def __getattr__(name: str) -> object:
        if name in modules:
            value: object = importlib.import_module(f"{package}.{name}")
        elif name in names:
            value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | names.keys() | modules)

    return __getattr__, __dir__
