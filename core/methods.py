"""The one registry of optimization methods: every tab, chart, editor and message asks here about a method.

Each method is declared once, in its own file next to its kernel (core/optim/sgd.py declares SGD, Momentum and
Nesterov); adding one is its file plus one line in BUILTIN. `register` adds a method at run time (a plug-in, a
test's toy method) and `unregister` removes it again.
"""
from __future__ import annotations

from typing import Any

from core.errors import ConfigError
from core.optim.adagrad import ADAGRAD
from core.optim.adam import ADAM
from core.optim.lbfgs import LBFGS_METHOD
from core.optim.method import Method
from core.optim.newton import NEWTON
from core.optim.rmsprop import RMSPROP
from core.optim.sgd import MOMENTUM, NESTEROV, SGD_METHOD

__all__ = ["BUILTIN", "Method", "first_order", "get_method", "keys", "make_optimizer", "methods", "register",
           "unregister"]

#: in lecture order, which is also the Landscape's keyboard order (keys 1–8)
BUILTIN = (SGD_METHOD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM, NEWTON, LBFGS_METHOD)

_REGISTRY: dict[str, Method] = {m.key: m for m in BUILTIN}


def register(method: Method) -> Method:
    """Add `method` after the others; ConfigError if its key is taken."""
    if not isinstance(method, Method):
        raise ConfigError(f"register takes a core.methods.Method, not {type(method).__name__}")
    if method.key in _REGISTRY:
        raise ConfigError(f"method: {method.key!r} is already registered", "method")
    _REGISTRY[method.key] = method
    return method


def unregister(key: str) -> None:
    """Remove a method added by `register` (the built-in ones stay)."""
    if any(m.key == key for m in BUILTIN):
        raise ConfigError(f"method: {key!r} is built in and cannot be removed", "method")
    _REGISTRY.pop(key, None)


def methods() -> tuple[Method, ...]:
    """Every method, in order."""
    return tuple(_REGISTRY.values())


def keys() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def first_order() -> tuple[Method, ...]:
    """The methods that step a dict of arrays (and so can train the MLP)."""
    return tuple(m for m in _REGISTRY.values() if m.first_order)


def get_method(key: str) -> Method:
    """The method called `key`; ConfigError naming the choices otherwise."""
    try:
        return _REGISTRY[key]
    except (KeyError, TypeError):
        raise ConfigError(f"Unknown method {key!r} (expected one of: {', '.join(_REGISTRY)})", "method") from None


def make_optimizer(name: str, **hparams: Any):
    """A fresh first-order optimizer for method `name` with its preset, overridden by `hparams`."""
    method = get_method(name)
    if not method.first_order:
        names = ", ".join(m.key for m in first_order())
        raise ConfigError(f"{name!r} is not a first-order method (expected one of: {names})", "method")
    return method.make(**hparams)
