"""Typed formulas: what is accepted, how it evaluates, and that hostile text is refused with a clear message."""
import math
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.expr import MAX_LENGTH, ExpressionError, X, Y, parse_expression
from core.surfaces import from_expression


@pytest.fixture(autouse=True)
def numpy_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("text, x, y, expected", [
    ("x^2 + y^2", 1.5, -2.0, 6.25),
    ("x**2 + y**2", 1.5, -2.0, 6.25),
    ("arctan(x) + atan(y)", 1.0, 1.0, math.pi / 2),
    ("e^x", 1.0, 0.0, math.e),
    ("pi*x", 2.0, 0.0, 2 * math.pi),
    ("-x^2", 3.0, 0.0, -9.0),  # power binds tighter than unary minus
    ("2^3^2", 0.0, 0.0, 512.0),  # and is right-associative
    ("2^-1*x", 3.0, 0.0, 1.5),
    ("x--y", 1.0, 2.0, 3.0),
    ("−x × y ÷ 4", 2.0, 3.0, -1.5),
    ("x² + y³", 2.0, 2.0, 12.0),
    ("π*y", 0.0, 1.0, math.pi),
    ("sin(x)*cos(y) + tan(x)", 0.3, 0.4, math.sin(0.3) * math.cos(0.4) + math.tan(0.3)),
    ("exp(x) + log(y) + sqrt(y)", 1.0, 4.0, math.e + math.log(4) + 2),
    ("abs(x) + tanh(y) + sinh(x) + cosh(y)", -2.0, 0.5, 2 + math.tanh(0.5) + math.sinh(-2) + math.cosh(0.5)),
    ("1e-3*x + .5*y + 2.5E2", 1000.0, 2.0, 252.0),
    ("1e-400*x + 1e300*y", 1.0, 1e-300, 1.0),
    ("007 + x", 1.0, 0.0, 8.0),
    ("\tx\n+  y ", 1.0, 2.0, 3.0),
    ("((+x))", 4.0, 0.0, 4.0),
    ("3", 5.0, 5.0, 3.0),
    ("0.1*x", 3.0, 0.0, 0.3),
])
def test_formulas_evaluate(text, x, y, expected):
    s = from_expression(text)
    assert s.value(x, y) == pytest.approx(expected, rel=1e-14)
    assert s.value(np.array([x]), np.array([y]))[0] == pytest.approx(expected, rel=1e-14)


def test_parse_gives_sympy_in_real_x_and_y():
    expr = parse_expression("x^2*y + sin(y)")
    assert expr == X**2 * Y + sp.sin(Y)
    assert expr.free_symbols == {X, Y} and X.is_real and Y.is_real
    assert parse_expression("x^3") == parse_expression("x**3") == parse_expression("x³")
    assert parse_expression("arctan(x)") == parse_expression("atan(x)") == sp.atan(X)
    assert parse_expression("0.1") == sp.Rational(1, 10)  # literals are exact


@pytest.mark.parametrize("text", [
    "abs(x - y)*sin(x) + atan(x*y)", "x^y + 2^x*pi^y", "sqrt(x^2 + y^2 + 1)", "tanh(x)*cosh(y)/sinh(2 + x)",
    "log(x + 3)*tan(y/2)", "(x*y)^(1/3) + x^0.123456", "sin(1)*x^2*y + 1e-3*exp(x*y) + 1234.5678*x",
])
def test_typed_derivatives_match_finite_differences(text):
    s = from_expression(text)
    rng = np.random.default_rng(3)
    for x, y in rng.uniform(0.2, 1.4, (20, 2)):
        h = 1e-6
        fd = [(s.value(x + h, y) - s.value(x - h, y)) / (2 * h), (s.value(x, y + h) - s.value(x, y - h)) / (2 * h)]
        np.testing.assert_allclose(s.gradient(x, y), fd, rtol=1e-6, atol=1e-6)
        fdh = [(s.gradient(x + h, y) - s.gradient(x - h, y)) / (2 * h),
               (s.gradient(x, y + h) - s.gradient(x, y - h)) / (2 * h)]
        np.testing.assert_allclose(s.hessian(x, y), fdh, rtol=1e-6, atol=1e-5)


HOSTILE = [  # text, words the message must contain, 1-based column (None: the whole formula)
    ("__import__('os')", "unknown name '__import__'", 1),
    ("x.__class__", "unexpected '.'", 2),
    ("x.__class__.__mro__", "unexpected '.'", 2),
    ("[x for x in y]", "unexpected '['", 1),
    ("lambda: 1", "unknown name 'lambda'", 1),
    ("x[0]", "unexpected '['", 2),
    ("open('f')", "unknown name 'open'", 1),
    ("getattr(x, 'y')", "unknown name 'getattr'", 1),
    ("z", "unknown name 'z'", 1),
    ("x + y*z", "unknown name 'z'", 7),
    ("True", "unknown name 'True'", 1),
    ("9**9**9", "exponent too large", 2),
    ("10**1000000", "exponent too large", 3),
    ("10**10**10", "exponent too large", 3),
    ("x**1e9", "exponent too large", 2),
    ("x^-1000", "exponent too large", 2),
    ("(x+1)**100000", "exponent too large", 6),
    ("(10**100)**100", "number too large", 10),
    ("exp(exp(exp(10)))", "number too large", 5),
    ("1e400", "number too large", 1),
    ("exp(-1e300) + exp(1e300)", "number too large or infinite", 15),
    ("log(0)*x", "number too large or infinite", 1),
    ("1/0", "division by zero", 2),
    ("x/(x-x)", "division by zero", 2),
    ("123e299 + x", "number too large", 1),
    ("(" * 1000, "too long", None),
    ("x+" * 200 + "x", "too long", None),
    ("(" * 30 + "x" + ")" * 30, "nested parentheses", 21),
    ("x" + "**x" * 20, "too deeply nested", 26),
    ("sin(" * 10 + "x" + ")" * 10, "too deeply nested", 33),
    ("sin(x, y)", "sin() takes one argument", 6),
    ("sin", "'sin' needs parentheses", 1),
    ("2*sin x", "'sin' needs parentheses", 3),
    ("1 +", "ends too early after '+'", 3),
    ("", "empty formula", None),
    ("   ", "empty formula", None),
    ("x if y else 1", "unknown name 'if'", 3),
    ("'a'", "unexpected \"'\"", 1),
    ("1j", "complex numbers", 1),
    ("x == y", "unexpected '='", 3),
    ("x < y", "unexpected '<'", 3),
    ("f(x)", "unknown name 'f'", 1),
    ("(x))", "unexpected ')'", 4),
    ("((x)", "unclosed '('", 1),
    ("2x", "missing operator between '2' and 'x'", 2),
    ("x y", "missing operator between 'x' and 'y'", 3),
    ("x(2)", "'x' is not a function", 2),
    ("(x)(y)", "missing operator between ')' and '('", 4),
    ("sin()", "sin() needs an argument", 5),
    ("()", "empty parentheses", 2),
    ("x // 2", "unexpected '/'", 4),
    ("x % 2", "unexpected '%'", 3),
    ("*x", "unexpected '*'", 1),
    ("sin(*x)", "unexpected '*'", 5),
    ("sin(x=1)", "unexpected '='", 6),
    ("x @ y", "unexpected '@'", 3),
    ("{x}", "unexpected '{'", 1),
    ("x,y", "unexpected ','", 2),
    ("x; y", "unexpected ';'", 2),
    ("α*x", "unexpected 'α'", 1),
    ("x^^2", "unexpected '^'", 3),
    ("x² + z", "unknown name 'z'", 6),
    ("x^2 + z", "unknown name 'z'", 7),
]


@pytest.mark.parametrize("text, words, column", HOSTILE)
def test_hostile_formulas_are_refused_with_a_place(text, words, column):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    err = info.value
    assert words in err.message and str(err) == err.message
    assert err.column == column
    if column is not None:
        assert err.message.endswith(f"at column {column}")
    with pytest.raises(ExpressionError):
        from_expression(text)


def test_examples_from_the_contract():
    with pytest.raises(ExpressionError, match=r"^unknown name 'z' at column 7$"):
        parse_expression("x + y*z")
    with pytest.raises(ExpressionError, match=r"^unexpected '\)' at column 4$"):
        parse_expression("(x))")
    with pytest.raises(ExpressionError, match=r"^empty formula$"):
        parse_expression("")


def test_length_limit_is_exact_and_errors_are_value_errors():
    parse_expression("x" + " " * (MAX_LENGTH - 1))
    with pytest.raises(ValueError, match="too long"):
        parse_expression("x" + " " * MAX_LENGTH)
    with pytest.raises(ExpressionError, match="must be text"):
        parse_expression(None)


def test_nan_where_undefined_without_warnings():
    s = from_expression("log(x) + sqrt(y)")
    assert math.isnan(s.value(-1.0, 1.0)) and math.isnan(s.value(1.0, -1.0))
    assert np.isnan(s.gradient(-1.0, 1.0)).all() and np.isnan(s.hessian(-1.0, 1.0)).all()
    assert s.gradient(1.0, 4.0).tolist() == [1.0, 0.25]
    _, _, Z = s.grid(9)
    assert np.isnan(Z[:, :4]).all() and np.isfinite(Z[5:, 5:]).all()
    G = s.gradient(np.array([-1.0, 1.0]), np.array([1.0, 4.0]))
    assert np.isnan(G[:, 0]).all() and G[:, 1].tolist() == [1.0, 0.25]


@pytest.mark.parametrize("text, x, y, expected", [
    ("x^(1/3)", -8.0, 0.0, math.nan),  # a complex power in plain Python floats
    ("1/x", 0.0, 0.0, math.inf),
    ("exp(x)", 1000.0, 0.0, math.inf),
    ("x^100", 1e5, 0.0, math.inf),
    ("x*1e300*1e300", 1.0, 0.0, math.inf),
    ("sqrt(-1) + x", 1.0, 0.0, math.nan),
    ("sqrt(-x^2)", 1.0, 0.0, math.nan),
])
def test_overflow_and_domain_edges_give_inf_or_nan(text, x, y, expected):
    s = from_expression(text)
    for value in (s.value(x, y), s.value(np.array([x]), np.array([y]))[0]):
        assert (math.isnan(value) if math.isnan(expected) else value == expected)
    s.gradient(x, y), s.hessian(x, y)


def test_abs_has_sign_derivative_and_no_dirac_delta():
    for text in ("abs(x)", "sqrt(x^2)"):
        s = from_expression(text)
        assert s.gradient(-2.0, 0.0).tolist() == [-1.0, 0.0] and s.gradient(0.0, 0.0).tolist() == [0.0, 0.0]
        assert s.hessian(-2.0, 0.0).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    s = from_expression("abs(log(x))*y")
    np.testing.assert_allclose(s.gradient(0.5, 1.0), [-2.0, math.log(2)])  # sign(log x)·y/x, |log x|
    np.testing.assert_allclose(s.hessian(0.5, 1.0), [[4.0, -2.0], [-2.0, 0.0]])


def test_constants_broadcast_to_the_input_shape():
    zeros = np.zeros((4, 5))
    c = from_expression("3")
    assert c.value(zeros, zeros).shape == (4, 5) and (c.value(zeros, zeros) == 3).all()
    assert c.gradient(zeros, zeros).shape == (2, 4, 5) and not c.gradient(zeros, zeros).any()
    assert c.hessian(zeros, 1.0).shape == (2, 2, 4, 5)
    assert from_expression("x").hessian(zeros, zeros).shape == (2, 2, 4, 5)
    assert c.grid(6)[2].shape == (6, 6)


# Once crashed (RecursionError, MemoryError, OverflowError) or ran for minutes inside sympy.
FOUND_BY_FUZZING = [
    "atan(tan(atan(tan(1e300))))",
    "tanh(exp(((sqrt(1e300*x))+(-x))/(pi)))",
    "abs(tanh((x+pi/2)^(-((1e-300)-(2)))))",
    "cos(((-1)^(((e)+((x-x)))+((123456789)+(1e300*x))))/((1/3)))",
    "sqrt(sqrt(sinh((123456789)^((1e300)-((x^0.5))))))",
    "(cosh(exp(-(((x^0.5))-(123456789)))))+((log(exp(1e300*x)))*(e))",
    "(exp(exp(((1e300)+(pi/2))*(cosh(y)))))+(abs(pi))",
    "(sin((x)^(0.5)))-(((pi)+((log(e))^(1e-300)))^(cosh(((1/3))^((123456789)+(-x)))))",
    "(-(exp((x*0))))^((1/3))*x",
    "exp(-1e300) + x",
    "-(1e-300 × 1e-301000)",
]


@pytest.mark.parametrize("text", FOUND_BY_FUZZING)
def test_formulas_that_once_broke_sympy(text):
    try:
        s = from_expression(text)
    except ExpressionError:
        return
    assert isinstance(s.value(0.3, 0.4), float)
    s.gradient(np.array([0.3, -1.0]), 0.4), s.hessian(0.3, 0.4), s.grid(5)


GOOD = ["x", "y", "pi", "e", "1", "2.5", "0", "1e3", "1e300", "1e-300", "0.123456", "123456789", "pi/2", "(x*y)",
        "(x-1)", "(x-x)", "(-1)"]
BINARY = ["+", "-", "*", "/", "**", "^", " × ", "−"]
FUNCS = ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sinh", "cosh", "atan", "arctan"]
NOISE = ["z", "_", ".", "[", "'", "lambda", "=", ",", "(", ")", "1j", "9**9**9", "**", " ", "²", "π", "100"]


def formulas():
    """Mostly valid formulas, sometimes with a stray token spliced in."""
    expr = st.recursive(
        st.sampled_from(GOOD),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(BINARY), inner).map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
            st.tuples(st.sampled_from(FUNCS), inner).map(lambda t: f"{t[0]}({t[1]})"),
            inner.map(lambda s: f"-({s})"),
        ),
        max_leaves=12,
    )
    spliced = st.tuples(expr, st.sampled_from(NOISE), st.integers(0, 400)).map(
        lambda t: t[0][:t[2] % (len(t[0]) + 1)] + t[1] + t[0][t[2] % (len(t[0]) + 1):])
    return st.one_of(expr, expr, spliced)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_fuzz_any_text_is_parsed_or_refused(text):
    try:
        parse_expression(text)
    except ExpressionError as err:
        assert err.message
        assert err.column is None or 1 <= err.column <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(formulas())
def test_fuzz_formulas_give_a_working_surface_or_a_clear_refusal(text):
    try:
        s = from_expression(text)
    except ExpressionError as err:
        assert err.message
        assert err.column is None or 1 <= err.column <= len(text)
        return
    assert isinstance(s.value(0.3, -0.7), float)
    assert s.gradient(0.3, -0.7).shape == (2,) and s.hessian(0.3, -0.7).shape == (2, 2)
    assert s.value(np.array([0.3, 0.0]), np.array([-0.7, 0.0])).shape == (2,)
