"""f, ∇f and ∇²f of the built-in surfaces as Python source generated once from sympy, so a launch needs no sympy.

`tools/make_surface_code.py` writes `core/surface_code.py`: for each built-in formula, the very source that
sympy's lambdify prints for it (orders 0, 1, 2; plain floats and numpy). Here that source is executed in the same
namespaces lambdify uses, so the functions compute bit for bit what the sympy-compiled ones compute
(`tests/core/test_surface_code.py` checks that, and that the file is current). Typed formulas still go through
sympy (core.derivatives); only these built-ins are pre-generated.
"""
from __future__ import annotations

import builtins
import math
import threading

import numpy as np

__all__ = ["FLOATS_NAMESPACE", "NUMPY_NAMESPACE", "Generated", "py_sign"]


def py_sign(u: float) -> float:
    """sign(u) for a float u: NaN stays NaN (core.derivatives prints |u|' as this in plain-float code)."""
    return u if u != u else 0.0 if u == 0 else math.copysign(1.0, u)


# What lambdify's namespaces hold for modules=[{RealAbs, RealSign}, "math"] and [{...}, numpy] (see
# core.derivatives), built without sympy: the test compares every name the generated code uses, object for object.
FLOATS_NAMESPACE = {**vars(math), "RealAbs": abs, "RealSign": py_sign, "builtins": builtins, "range": range}
NUMPY_NAMESPACE = {**vars(np), "RealAbs": np.abs, "RealSign": np.sign, "builtins": builtins, "range": range}
KINDS = ("floats", "numpy")


class Generated:
    """The same interface as core.derivatives.Compiled (numpy(order), floats(order), build()) over generated
    source: each function is compiled from its source the first time it is asked for (a few hundred µs)."""

    def __init__(self, name: str, code: dict):
        self.name, self._code = name, code
        self._lock = threading.Lock()
        self._functions: dict[tuple[str, int], object] = {}

    def numpy(self, order: int):
        return self._function("numpy", order)

    def floats(self, order: int):
        return self._function("floats", order)

    def build(self) -> None:
        for kind in KINDS:
            for order in range(3):
                self._function(kind, order)

    def _function(self, kind: str, order: int):
        key = (kind, order)
        function = self._functions.get(key)
        if function is None:
            with self._lock:
                function = self._functions.get(key)
                if function is None:
                    namespace = FLOATS_NAMESPACE if kind == "floats" else NUMPY_NAMESPACE
                    local: dict = {}
                    exec(compile(self._code[kind][order], f"<{self.name}: {kind} {order}>", "exec"), namespace, local)
                    function = self._functions[key] = local["_lambdifygenerated"]
        return function
