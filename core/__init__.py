"""Descent Lab's engine: surfaces, optimizers, paths, MNIST and the MLP, in numpy only (never Qt).

The public names of the submodules are reachable as ``core.<name>`` (``core.run``, ``core.from_expression``,
``core.load_mnist``, ``core.race`` ...). Submodules are imported on first use, so ``import core`` stays cheap.
"""
from __future__ import annotations

import contextlib
import importlib

# Searched in this order for a public name (each module's ``__all__``): what the Landscape's first frame needs first
# (so ``core.SURFACES`` at launch imports neither the data loaders nor the trainer), then data and training, and
# the sympy modules last, so that no name but the formula ones ever pays for importing sympy.
_SUBMODULES = ("errors", "text", "methods", "optim", "paths", "surface_race", "experiment", "oracle", "critical",
               "quadratic", "line_search", "measures", "contours", "generated", "catalogue", "surfaces", "data", "nn",
               "training", "expr", "derivatives")


def __getattr__(name: str):
    if name.startswith("_"):
        raise AttributeError(name)
    for sub in _SUBMODULES:
        try:
            module = importlib.import_module(f"{__name__}.{sub}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{sub}":
                raise
            continue
        if name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'core' has no attribute {name!r}")


def __dir__():
    names = set(globals())
    for sub in _SUBMODULES:
        with contextlib.suppress(ModuleNotFoundError):
            names.update(getattr(importlib.import_module(f"{__name__}.{sub}"), "__all__", ()))
    return sorted(names)
