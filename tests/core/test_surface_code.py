"""The built-in surfaces run generated code (no sympy at launch) that computes bit for bit what sympy's does."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.catalogue import SURFACES
from core.derivatives import Compiled
from core.expr import parse_expression
from core.generated import FLOATS_NAMESPACE, NUMPY_NAMESPACE, Generated
from core.surface_code import CODE
from core.surfaces import Surface

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_file_is_current():
    """Change a built-in formula and this fails until tools/make_surface_code.py is run again."""
    done = subprocess.run([sys.executable, "tools/make_surface_code.py", "--check"], cwd=ROOT, timeout=300)
    assert done.returncode == 0
    assert set(CODE) == {s.formula for s in SURFACES.values()}


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_generated_code_runs_in_lambdify_s_own_namespaces(key):
    formula = SURFACES[key].formula
    compiled, generated = Compiled(parse_expression(formula)), Generated(key, CODE[formula])
    for order in range(3):
        for kind, namespace in (("floats", FLOATS_NAMESPACE), ("numpy", NUMPY_NAMESPACE)):
            theirs, ours = getattr(compiled, kind)(order), getattr(generated, kind)(order)
            assert ours.__code__.co_code == theirs.__code__.co_code  # the same program
            for name in theirs.__code__.co_names:  # and every name it uses is the same object
                assert namespace[name] is theirs.__globals__[name], (key, kind, order, name)


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_a_built_in_computes_bit_for_bit_what_sympy_computes(key):
    built_in = SURFACES[key]
    assert isinstance(built_in._compiled, Generated) and built_in.expr is None
    symbolic = Surface(key, built_in.name, built_in.formula, built_in.category, built_in.view, built_in.starts,
                       expr=parse_expression(built_in.formula))
    assert isinstance(symbolic._compiled, Compiled)
    rng = np.random.default_rng(7)
    xmin, xmax, ymin, ymax = built_in.view
    points = np.column_stack((rng.uniform(xmin, xmax, 200), rng.uniform(ymin, ymax, 200)))
    for x, y in points:
        assert built_in.value(x, y) == symbolic.value(x, y)
        np.testing.assert_array_equal(built_in.gradient(x, y), symbolic.gradient(x, y))
        np.testing.assert_array_equal(built_in.hessian(x, y), symbolic.hessian(x, y))
    np.testing.assert_array_equal(built_in.gradient(points[:, 0], points[:, 1]),
                                  symbolic.gradient(points[:, 0], points[:, 1]))
    np.testing.assert_array_equal(built_in.hessian(points[:, 0], points[:, 1]),
                                  symbolic.hessian(points[:, 0], points[:, 1]))
    np.testing.assert_array_equal(built_in.grid(96)[2], symbolic.grid(96)[2])


def test_racing_every_built_in_surface_imports_no_sympy():
    code = """
import sys
import core
for surface in core.SURFACES.values():
    x, y = surface.starts[0]
    surface.value(x, y), surface.gradient(x, y), surface.hessian(x, y), surface.grid(32)
    for method in core.paths.ALL_METHODS:
        core.run(surface, method, surface.starts[0], steps=20)
assert "sympy" not in sys.modules, "sympy was imported"
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
