"""Typed formulas in x and y: a whitelisted parser (never eval) and exact derivatives compiled to numpy.

Accepted: x, y, numbers, pi, e, + - * / ** (or ^), unary + and -, parentheses, and the functions
sin cos tan exp log sqrt abs tanh sinh cosh atan (alias arctan). Typing conveniences: '^' is power,
'²' '³' are squares and cubes, '−' is minus, '×' '·' are times, '÷' is division, 'π' is pi.
Length, nesting, exponents and constants are bounded so no formula can make sympy compute something huge.
"""
from __future__ import annotations

import ast
import bisect
import math
import re
import threading
from typing import NamedTuple

import numpy as np
import sympy as sp

__all__ = ["ExpressionError", "parse_expression"]

MAX_LENGTH = 300  # characters
MAX_PARENS = 20  # nested parentheses
MAX_NESTING = 8  # nested functions and powers: symbolic Hessians grow polynomially with it
MAX_EXPONENT = 100  # |constant exponent|; (x+1)**100000 or 9**9**9 must never reach sympy
MAX_NUMBER = 1e300  # |constant|: keeps every constant a finite float

X, Y = sp.symbols("x y", real=True)
NAMES = {"x": X, "y": Y, "pi": sp.pi, "e": sp.E}
FUNCTIONS = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt,
             "abs": sp.Abs, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "atan": sp.atan, "arctan": sp.atan}
FLOAT_FUNCTIONS = {"sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
                   "abs": np.abs, "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh, "atan": np.arctan,
                   "arctan": np.arctan}
# Typing conveniences: character -> tokens it stands for.
ALIASES = {"^": ("**",), "−": ("-",), "×": ("*",), "·": ("*",), "⋅": ("*",), "÷": ("/",),
           "²": ("**", "2"), "³": ("**", "3"), "π": ("pi",)}
_NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ExpressionError(ValueError):
    """A formula was refused; ``message`` says why and where, ``column`` is 1-based (or None)."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


def _fail(message: str, column: int | None = None):
    raise ExpressionError(f"{message} at column {column}" if column else message, column)


class Token(NamedTuple):
    kind: str  # "num", "name", "func", "op", "(", ")", ","
    text: str  # what Python's parser sees
    src: str  # what was typed
    col: int  # 1-based column of src


def _scan(text: str):
    """Yield tokens left to right; unknown characters, names and oversized numbers fail where they stand."""
    i = 0
    while i < len(text):
        ch, col = text[i], i + 1
        if ch.isspace():
            i += 1
        elif ch in ALIASES:
            for part in ALIASES[ch]:
                kind = "name" if part == "pi" else "num" if part.isdigit() else "op"
                yield Token(kind, part, ch, col)
            i += 1
        elif (number := _NUMBER.match(text, i)) and number.end() > i:
            src, i = number.group(), number.end()
            if text[i:i + 1] in ("j", "J") and not _NAME.match(text, i + 1):
                _fail("complex numbers are not allowed", col)
            if float(src) > MAX_NUMBER:
                _fail(f"number too large (at most {MAX_NUMBER:g})", col)
            yield Token("num", str(int(src)) if src.isdigit() else src, src, col)  # 007 -> 7
        elif name := _NAME.match(text, i):
            src, i = name.group(), name.end()
            if src not in NAMES and src not in FUNCTIONS:
                _fail(f"unknown name {src!r}", col)
            yield Token("func" if src in FUNCTIONS else "name", src, src, col)
        elif text.startswith("**", i):
            yield Token("op", "**", "**", col)
            i += 2
        elif ch in "+-*/":
            yield Token("op", ch, ch, col)
            i += 1
        elif ch in "(),":
            yield Token(ch, ch, ch, col)
            i += 1
        else:
            _fail(f"unexpected {ch!r}", col)


def _tokens(text: str) -> list[Token]:
    """The formula's tokens, checked to form one well-parenthesised infix expression."""
    out: list[Token] = []
    opened: list[tuple[Token, Token | None]] = []  # '(' and the function it calls, if any
    operand = True  # expecting an operand (or a unary sign) next
    for tok in _scan(text):
        prev = out[-1] if out else None
        if prev is not None and prev.kind == "func" and tok.kind != "(":
            _fail(f"{prev.src!r} needs parentheses, e.g. {prev.src}(x),", prev.col)
        if operand:
            if tok.kind in ("num", "name"):
                operand = False
            elif tok.kind == "(":
                opened.append((tok, prev if prev is not None and prev.kind == "func" else None))
                if len(opened) > MAX_PARENS:
                    _fail(f"too many nested parentheses (at most {MAX_PARENS})", tok.col)
            elif tok.kind == ")" and prev is not None and prev.kind == "(":
                call = opened[-1][1]
                _fail(f"{call.src}() needs an argument" if call else "empty parentheses", tok.col)
            elif tok.kind != "func" and tok.text not in ("+", "-"):
                _fail(f"unexpected {tok.src!r}", tok.col)
        elif tok.kind == "op":
            operand = True
        elif tok.kind == ")":
            if not opened:
                _fail("unexpected ')'", tok.col)
            opened.pop()
        elif tok.kind == ",":
            call = opened[-1][1] if opened else None
            _fail(f"{call.src}() takes one argument: unexpected ','" if call else "unexpected ','", tok.col)
        elif prev.kind == "name" and tok.kind == "(":
            _fail(f"{prev.src!r} is not a function (write {prev.src}*(...))", tok.col)
        else:
            _fail(f"missing operator between {prev.src!r} and {tok.src!r}", tok.col)
        out.append(tok)
    if not out:
        _fail("empty formula")
    if out[-1].kind == "func":
        _fail(f"{out[-1].src!r} needs parentheses, e.g. {out[-1].src}(x),", out[-1].col)
    if operand:
        _fail(f"formula ends too early after {out[-1].src!r}", out[-1].col)
    if opened:
        _fail("unclosed '('", opened[-1][0].col)
    return out


def _constant(value: sp.Expr, col: int) -> sp.Expr:
    """A constant kept within ±MAX_NUMBER (NaN stays NaN); anything with x or y passes through."""
    if value.free_symbols or value is sp.nan:
        return value
    if value.has(sp.zoo):  # only exact arithmetic makes zoo: 1/0, 0**-1
        _fail("division by zero", col)
    number = float(value)  # cheap: constants are rationals, floats, pi and e under + - * / and integer powers
    if number != number:
        return sp.nan
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        _fail(f"number too large or infinite (at most {MAX_NUMBER:g})", col)
    return value


def _fold(function, *args: sp.Expr, col: int) -> sp.Expr:
    """function(constants) computed in float64 like the compiled code would (NaN where undefined).

    sympy never evaluates a function of a constant itself: that can be slow (exp(-1e300)) or even raise.
    """
    with np.errstate(all="ignore"):
        number = float(function(*(np.float64(float(a)) for a in args)))
    return sp.nan if number != number else _constant(sp.Float(number) if math.isfinite(number) else sp.oo, col)


class _Builder:
    """Turns a whitelisted Python AST into sympy, checking each constant as soon as it exists."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.offsets = []  # offset of each token in the text given to ast.parse
        pos = 0
        for tok in tokens:
            self.offsets.append(pos)
            pos += len(tok.text) + 1

    def col(self, offset: int) -> int:
        return self.tokens[max(bisect.bisect_right(self.offsets, offset) - 1, 0)].col

    def operator_col(self, node: ast.BinOp) -> int:
        for offset, tok in zip(self.offsets, self.tokens):
            if offset >= node.left.end_col_offset and tok.kind == "op":
                return tok.col
        return self.col(node.col_offset)

    def build(self, node: ast.AST, nesting: int = 0) -> sp.Expr:
        col = self.col(getattr(node, "col_offset", 0))
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return sp.Rational(self.tokens[self.offsets.index(node.col_offset)].text)  # exact: 0.1 is 1/10
        if isinstance(node, ast.Name) and node.id in NAMES:
            return NAMES[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            operand = self.build(node.operand, nesting)
            return _constant(-operand if isinstance(node.op, ast.USub) else operand, col)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            left, right = self.build(node.left, nesting), self.build(node.right, nesting)
            if isinstance(node.op, ast.Div):
                right = _constant(right**-1, self.operator_col(node))
            result = left + right if isinstance(node.op, ast.Add) else left - right if isinstance(
                node.op, ast.Sub) else left * right
            return _constant(result, self.operator_col(node))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.power(node, nesting + 1)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
                and len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred)):
            if nesting + 1 > MAX_NESTING:
                _fail(f"too deeply nested (at most {MAX_NESTING} functions and powers)", col)
            arg = self.build(node.args[0], nesting + 1)
            if arg.free_symbols:
                return FUNCTIONS[node.func.id](arg)
            return _fold(FLOAT_FUNCTIONS[node.func.id], arg, col=col)
        _fail("unexpected expression", col)  # unreachable: _tokens admits nothing else

    def power(self, node: ast.BinOp, nesting: int) -> sp.Expr:
        col = self.operator_col(node)
        if nesting > MAX_NESTING:
            _fail(f"too deeply nested (at most {MAX_NESTING} functions and powers)", col)
        base, exponent = self.build(node.left, nesting), self.build(node.right, nesting)
        if exponent.free_symbols or exponent is sp.nan:
            return base**exponent
        p = float(exponent)
        if abs(p) > MAX_EXPONENT:
            _fail(f"exponent too large ({p:g}; at most ±{MAX_EXPONENT})", col)
        if base.free_symbols or base is sp.nan:
            return base**exponent
        if not (base.is_Rational and exponent.is_Integer):
            return _fold(np.power, base, exponent, col=col)
        if base != 0 and abs(p * math.log10(abs(float(base)))) > math.log10(MAX_NUMBER):
            _fail(f"number too large or infinite (at most {MAX_NUMBER:g})", col)
        return _constant(base**exponent, col)  # exact, and small enough to compute


def parse_expression(text: str) -> sp.Expr:
    """The sympy expression of a typed formula in the real symbols x, y; raises ExpressionError."""
    if not isinstance(text, str):
        _fail(f"a formula must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        _fail(f"formula too long ({len(text)} characters; at most {MAX_LENGTH})")
    tokens = _tokens(text)
    builder = _Builder(tokens)
    try:
        tree = ast.parse(" ".join(tok.text for tok in tokens), mode="eval")
    except SyntaxError as exc:  # unreachable: _tokens checked the grammar
        _fail("cannot read this formula", builder.col((exc.offset or 1) - 1))
    return builder.build(tree.body)


class RealAbs(sp.Function):
    """|u| for real u, whose derivative is sign(u) and whose second derivative is 0 (no DiracDelta)."""

    @classmethod
    def eval(cls, arg):
        if arg.is_number:
            return sp.Abs(arg)

    def fdiff(self, argindex=1):
        return RealSign(self.args[0])


class RealSign(sp.Function):
    """sign(u) for real u, with derivative 0."""

    @classmethod
    def eval(cls, arg):
        if arg.is_number:
            return sp.sign(arg)

    def fdiff(self, argindex=1):
        return sp.S.Zero


def _py_sign(u: float) -> float:
    return u if u != u else 0.0 if u == 0 else math.copysign(1.0, u)


_NUMPY = [{"RealAbs": np.abs, "RealSign": np.sign}, "numpy"]
_MATH = [{"RealAbs": abs, "RealSign": _py_sign}, "math"]


def _numeric(e: sp.Expr) -> sp.Expr:
    """The same expression, printable as float code: NaN where not real, huge rationals as floats."""
    e = e.replace(sp.DiracDelta, lambda *args: sp.S.Zero).xreplace({sp.I: sp.nan, sp.zoo: sp.nan})
    return e.xreplace({r: sp.Float(r) for r in e.atoms(sp.Rational) if max(abs(r.p), r.q) > 2**53})


class Compiled:
    """f, ∇f and ∇²f of an expression in x, y: exact sympy derivatives lambdified (lazily) for numpy and for floats."""

    def __init__(self, expr: sp.Expr):
        self.expr = expr
        self._lock = threading.Lock()
        self._built = None

    def build(self):
        """(exprs, numpy functions, float functions) for f, (f, fx, fy) and (f, fxx, fxy, fyy).

        f rides along with the derivatives so callers can put NaN wherever f itself is undefined.
        """
        built = self._built
        if built is not None:
            return built
        with self._lock:
            if self._built is None:
                f = _numeric(self.expr.replace(sp.Abs, RealAbs).replace(sp.sign, RealSign))
                fx, fy = f.diff(X), f.diff(Y)
                exprs = (f, (f, *map(_numeric, (fx, fy))), (f, *map(_numeric, (fx.diff(X), fx.diff(Y), fy.diff(Y)))))
                if any(d.has(sp.Derivative, sp.Subs) for d in (*exprs[1], *exprs[2])):
                    raise ExpressionError("cannot differentiate this formula exactly")
                self._built = (exprs, tuple(sp.lambdify((X, Y), e, modules=_NUMPY, cse=True) for e in exprs),
                               tuple(sp.lambdify((X, Y), e, modules=_MATH, cse=True) for e in exprs))
            return self._built
