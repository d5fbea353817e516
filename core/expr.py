"""Typed formulas in x and y: a whitelisted parser (never eval); core.derivatives compiles them to numpy.

Accepted: x, y, numbers, pi, e, + - * / ** (or ^), unary + and -, parentheses, and the functions
sin cos tan exp log sqrt abs tanh sinh cosh atan (alias arctan). Typing conveniences: '^' is power,
'²' '³' are squares and cubes, '−' is minus, '×' '·' are times, '÷' is division, 'π' is pi.
'^' becomes '**' while tokenizing, before Python's ast parses the text; the tree is then whitelisted node by node.

Length, nesting, exponents and constants are bounded, and constants are computed in float64 as they appear: sympy
only ever sees x, y, small exact rationals, pi, e and opaque `Const` symbols, so no formula can make it compute
something huge. Undefined values (log of a negative, 0/0 in the compiled code) are NaN, never an error.

One concept, kept whole (a little over 300 lines): the tokenizer, the whitelist and the error messages with their
column carets must agree, and splitting them would spread one grammar over several files.
"""
from __future__ import annotations

import ast
import bisect
import math
import operator
import re
from typing import NamedTuple

import numpy as np
import sympy as sp

from core.errors import ExpressionError

__all__ = ["ExpressionError", "parse_expression"]

MAX_LENGTH = 300  # characters
MAX_PARENS = 20  # nested parentheses
MAX_NESTING = 8  # nested functions and powers: symbolic Hessians grow polynomially with it
MAX_EXPONENT = 100  # |constant exponent|; (x+1)**100000 or 9**9**9 must never reach sympy
MAX_NUMBER = 1e300  # |constant|: keeps every constant a finite float
SMALL = 10**6  # rationals up to this size stay exact in sympy; other numbers become opaque Consts

X, Y = sp.symbols("x y", real=True)


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


NAMES = {"x": X, "y": Y, "pi": sp.pi, "e": sp.E}
FUNCTIONS = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt,
             "abs": RealAbs, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "atan": sp.atan, "arctan": sp.atan}
FLOAT_FUNCTIONS = {"sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
                   "abs": np.abs, "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh, "atan": np.arctan,
                   "arctan": np.arctan}
# Typing conveniences: character -> tokens it stands for.
ALIASES = {"^": ("**",), "−": ("-",), "×": ("*",), "·": ("*",), "⋅": ("*",), "÷": ("/",),
           "²": ("**", "2"), "³": ("**", "3"), "π": ("pi",)}
_NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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


class Const(sp.Symbol):
    """A positive float that sympy sees as an opaque symbol, so it never computes with it; prints as the number.

    Only small exact rationals (and pi, e) reach sympy as numbers: exact work on anything else can be slow
    (exp(-1e300)), raise, or send sympy's polynomial code into dense degree-10**300 arrays (1e-300 = 1/10**300).
    """

    def __new__(cls, value: float):
        return super().__new__(cls, repr(float(value)), positive=True)

    @property
    def value(self) -> float:
        return float(self.name)

    def _eval_evalf(self, prec):
        return sp.Float(self.value)

    def _numpycode(self, printer):  # a numpy scalar, so (1e300)**2 overflows to inf instead of raising
        return f"{printer._module_format('numpy.float64')}({self.value!r})"

    def _pythoncode(self, printer):
        return repr(self.value)


Node = tuple  # (sympy expression, its float value if it is a constant, else None)


def _small(e: sp.Expr) -> bool:
    return e.is_Rational and abs(e.p) <= SMALL and e.q <= SMALL


def _number(value: float, col: int) -> sp.Expr:
    """The sympy form of a constant's float value: NaN, a small integer or ±Const; refuses ±inf and huge values."""
    if value != value:
        return sp.nan
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        _fail(f"number too large or infinite (at most {MAX_NUMBER:g})", col)
    if value == int(value) and abs(value) <= SMALL:
        return sp.Integer(int(value))
    return Const(value) if value > 0 else -Const(-value)


def _symbolic(e: sp.Expr, col: int) -> Node:
    """A result sympy built from x or y: refused if it divides by zero; a constant if x and y cancelled (x*0)."""
    if e.has(sp.zoo):  # x/(x - x), (x - x)**-1
        _fail("division by zero", col)
    if e.has(X, Y):
        return e, None
    try:
        with np.errstate(all="ignore"):
            v = complex(e.evalf())
    except (TypeError, ValueError):  # not a plain number after all: leave it to the compiled code
        return e, None
    v = v.real if v.imag == 0 else math.nan  # like numpy: (-1)**(1/3) is NaN
    return _number(v, col), v


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class _Builder:
    """Turns a whitelisted Python AST into sympy; constants are computed in float64 as they appear and checked."""

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
        for offset, tok in zip(self.offsets, self.tokens, strict=False):
            if offset >= node.left.end_col_offset and tok.kind == "op":
                return tok.col
        return self.col(node.col_offset)

    def build(self, node: ast.AST, nesting: int = 0) -> Node:
        col = self.col(getattr(node, "col_offset", 0))
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            text = self.tokens[self.offsets.index(node.col_offset)].text
            exponent = _NUMBER.fullmatch(text).group(2)
            if exponent and abs(int(exponent[1:])) > 20:  # 1e-300100 would be a 300100-digit rational
                return _number(float(text), col), float(text)
            exact = sp.Rational(text)  # 0.1 is 1/10
            return (exact if _small(exact) else _number(float(exact), col)), float(exact)
        if isinstance(node, ast.Name) and node.id in NAMES:
            return NAMES[node.id], {"pi": math.pi, "e": math.e}.get(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            e, v = self.build(node.operand, nesting)
            if isinstance(node.op, ast.UAdd):
                return e, v
            return (-e if v is None or _small(e) else _number(-v, col)), (None if v is None else -v)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return self.binary(node, nesting)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.power(node, nesting + 1)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
                and len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred)):
            if nesting + 1 > MAX_NESTING:
                _fail(f"too deeply nested (at most {MAX_NESTING} functions and powers)", col)
            e, v = self.build(node.args[0], nesting + 1)
            if v is None:
                return _symbolic(FUNCTIONS[node.func.id](e), col)
            with np.errstate(all="ignore"):
                v = float(FLOAT_FUNCTIONS[node.func.id](np.float64(v)))
            return _number(v, col), v
        _fail("unexpected expression", col)  # unreachable: _tokens admits nothing else

    def binary(self, node: ast.BinOp, nesting: int) -> Node:
        col, op = self.operator_col(node), _OPS[type(node.op)]
        (a, av), (b, bv) = self.build(node.left, nesting), self.build(node.right, nesting)
        if isinstance(node.op, ast.Div) and bv == 0:
            _fail("division by zero", col)
        if av is None or bv is None:
            return _symbolic(op(a, b), col)
        if _small(a) and _small(b) and _small(exact := op(a, b)):
            return exact, float(exact)
        with np.errstate(all="ignore"):
            v = float(op(np.float64(av), np.float64(bv)))
        return _number(v, col), v

    def power(self, node: ast.BinOp, nesting: int) -> Node:
        col = self.operator_col(node)
        if nesting > MAX_NESTING:
            _fail(f"too deeply nested (at most {MAX_NESTING} functions and powers)", col)
        (b, bv), (p, pv) = self.build(node.left, nesting), self.build(node.right, nesting)
        if pv is None:  # (-1)**x is real only at integers: NaN, like numpy
            return (sp.nan, None) if bv is not None and not bv >= 0 else _symbolic(b**p, col)
        if abs(pv) > MAX_EXPONENT:
            _fail(f"exponent too large ({pv:g}; at most ±{MAX_EXPONENT})", col)
        if bv is None:  # exact exponents only where sympy's algebra stays cheap: integers, 1/2, 1/3, 3/4 ...
            exact = p.is_Integer or (p.is_Rational and p.q <= 4)
            return _symbolic(b**(p if exact else _number(pv, col)), col)
        if bv == 0 and pv < 0:
            _fail("division by zero", col)
        if bv != 0 and abs(pv * math.log10(abs(bv))) > math.log10(MAX_NUMBER):
            _fail(f"number too large or infinite (at most {MAX_NUMBER:g})", col)
        if _small(b) and p.is_Integer and _small(exact := b**p):
            return exact, float(exact)
        with np.errstate(all="ignore"):
            v = float(np.power(np.float64(bv), np.float64(pv)))
        return _number(v, col), v


def parse_expression(text: str) -> sp.Expr:
    """The sympy expression of a typed formula in the real symbols x, y; raises ExpressionError.

    Numbers other than small exact rationals, pi and e appear as `Const` symbols that print as their value.
    """
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
    return builder.build(tree.body)[0]
