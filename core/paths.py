"""A method's path on a surface: `Runner` (one step per call), `iterate` (a generator) and `run` (a whole Path).

Every step is recorded with the loss, the *true* gradient and its norm at the new point, the evaluations the
method itself has charged so far, and a status: "running", "converged" (‖∇f‖ < tol), "diverged" (NaN/inf, or the
point went more than 100 view-diagonals from the view's centre, while f rose), "escaped" (the same, while f kept
falling: the surface is unbounded below, not the step too large) or "failed" (a second-order method could not
take its step: singular Hessian, no decrease found). A run never raises on bad numbers; it stops with a message.

Evaluation counts (f, ∇f, ∇²f) are what the method needs, not what we show: a first-order step costs 1 ∇f
(the loss drawn at each point is free), Newton 1 ∇f + 1 ∇²f (+ f for its line search), L-BFGS 1 f + 1 ∇f per
line-search trial. ``noise=σ`` adds N(0, σ²I) noise, from ``seed``, to the gradient the first-order methods see
(SGD versus GD); Newton and L-BFGS always see the exact surface. Two normals are drawn every step whatever σ is,
so a path depends only on (seed, σ per step), and σ = 0 is exactly the noise-free path.
"""
from __future__ import annotations

import copy as _copy_module
import math
from dataclasses import dataclass, field

import numpy as np

from core.columns import Columns
from core.errors import ConfigError
from core.methods import BUILTIN, get_method
from core.oracle import Oracle, f_at, grad_at, hess_at, scalar_safe
from core.quadratic import QuadraticModel, at
from core.text import text

__all__ = ["ALL_METHODS", "STATUSES", "Path", "Runner", "Step", "iterate", "path_columns", "run"]

ALL_METHODS = tuple(m.key for m in BUILTIN)  # the built-in ones: sgd … lbfgs (core.methods.keys() adds plug-ins)
STATUSES = ("running", "converged", "diverged", "escaped", "failed")
# ‖∇f‖ below this is converged: with O(1) curvature the point is ~1e-8 from a stationary point and f is within
# ~1e-16 of its value there, float64's resolution. Fixed-lr first-order methods may hover above it (running).
DEFAULT_TOL = 1e-8
ESCAPE_FACTOR = 100.0  # view diagonals from the view's centre beyond which a point has diverged
OVERFLOW = 1e300  # |f| beyond this counts as overflow
NOISE_BLOCK = 64  # normals drawn at a time (the same stream as two at a time: a Generator keeps no cache)
_hypot = np.hypot  # not math.hypot: the recorded norms stay numpy's to the last bit


@dataclass(frozen=True, eq=False)
class Step:
    """One recorded point of a path; arrays are read-only copies, safe to hand to another thread."""
    index: int
    point: np.ndarray
    loss: float
    grad: np.ndarray
    grad_norm: float
    evals: tuple[int, int, int]  # cumulative (f, ∇f, ∇²f) charged to the method
    status: str
    message: str
    info: dict = field(default_factory=dict)  # picture state of the step that arrived here (empty at step 0)


@dataclass(frozen=True, eq=False)
class Path:
    """A path so far: n points with their losses, gradient norms and cumulative evaluations."""
    method: str
    points: np.ndarray  # (n, 2); when diverged the last point may be non-finite
    losses: np.ndarray  # (n,)
    grad_norms: np.ndarray  # (n,)
    evals: np.ndarray  # (n, 3) int
    status: str
    message: str
    stop_step: int | None  # index of the step that ended the run (None while running)

    def __len__(self) -> int:
        return len(self.points)


def path_columns(capacity: int = 256) -> Columns:
    """The columns a path is recorded in: points (n, 2), losses, grad_norms, evals (n, 3) int32 (44 bytes a step)."""
    return Columns(("points", "losses", "grad_norms", "evals"), capacity,
                   shapes={"points": (2,), "evals": (3,)}, dtypes={"evals": np.int32})


def _readonly(a) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


def _copy(value):
    return np.array(value) if isinstance(value, np.ndarray) else value


def _check_nonneg(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(value) or value < 0:
        raise ConfigError(f"{name}: must be a finite number ≥ 0, got {value!r}", name)
    return float(value)


class Noise:
    """A runner's noise generator, made a numpy Generator only when a step draws from it: from a seed (as
    ``np.random.default_rng(seed)``, the same normals) or from a bit generator's state (a packed runner,
    core.ahead). A launch steps no racer, so it does not import numpy.random (≈ 10 ms); a replay of a few steps
    from a packed state seldom draws (the runner keeps a block of normals), and unpickling a Generator was half
    the cost of unpacking a state."""

    __slots__ = ("_generator", "_seed", "_state")

    def __init__(self, seed: int = 0, state: dict | None = None):
        self._seed, self._state, self._generator = seed, state, None

    @property
    def state(self) -> dict:
        """The bit generator's state now."""
        if self._generator is None and self._state is not None:
            return self._state
        return self._made().bit_generator.state

    def _made(self) -> np.random.Generator:
        if self._generator is None:
            if self._state is None:
                self._generator = np.random.default_rng(self._seed)
            else:
                bits = getattr(np.random, self._state["bit_generator"])(0)  # seeded: no entropy drawn, replaced
                bits.state = self._state
                self._generator = np.random.Generator(bits)
        return self._generator

    def standard_normal(self, *args, **kwargs):
        return self._made().standard_normal(*args, **kwargs)

    def __reduce__(self):  # copies and pickles carry the state now (or only the seed, before the first draw)
        fresh = self._generator is None and self._state is None
        return Noise, (self._seed, None if fresh else self.state)


class Runner:
    """A method walking a surface from ``start``, one ``step()`` at a time; ``set`` applies from the next step.

    ``method`` is one of ALL_METHODS; ``hparams`` go to the optimizer (core.optim's for the six first-order
    methods, on the single parameter {"xy": point}; Newton/LBFGS from core.second_order). Step 0 (the start) is
    recorded on construction. Once ``done`` (converged, diverged or failed), ``step()`` returns the last Step
    again without doing anything. A failed step does not move, so its point repeats the previous one.

    Step.info of a first-order step: the optimizer's ``last`` entries ('grad' = the gradient it saw, noise
    included; 'update' = Δθ; 'effective_lr'; per method 'velocity', 'accum', 'm', 'v', 'm_hat', 'v_hat',
    'lookahead_update'), 'state' (copies of its torch-named state) and, for Nesterov, 'lookahead' = θ − γ·μ·b,
    the end of the momentum leg: torch's θ already plays Sutskever's look-ahead point, and its step
    −γ·(g + μ·b) is drawn as the momentum leg −γ·μ·b followed by the gradient leg −γ·g. For Newton and
    L-BFGS see their classes ('model', 'indefinite', 'trials', ...); 'failure' says why a step was refused.
    """

    def __init__(self, surface, method: str, start, noise: float = 0.0, seed: int = 0, tol: float = DEFAULT_TOL,
                 capacity: int = 256, **hparams):
        self.spec = spec = get_method(method)
        try:
            start = np.array(start, dtype=float)
        except (TypeError, ValueError):
            start = np.full(3, np.nan)
        if start.shape != (2,) or not np.all(np.isfinite(start)):
            raise ConfigError("start: must be a finite point (x, y)", "start")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ConfigError(f"seed: must be a whole number ≥ 0, got {seed!r}", "seed")
        self.surface, self.method = surface, method
        self.noise, self.tol = _check_nonneg("noise", noise), _check_nonneg("tol", tol)
        self._rng = Noise(seed)
        self._normals, self._normal_at = [], 0  # a block of the generator's normals, and the next one's index
        self._optimizer = spec.make(**hparams)
        self._later = None  # what a second-order step left for its pictures (SecondOrder.lean_step)
        if not spec.first_order:
            self._oracle = Oracle(surface)
            self._evals = self._oracle.evals
        else:
            self._xy = start.copy()  # the single parameter "xy" (behind the current point while the twin walks)
            self._evals = np.zeros(3, dtype=np.int64)
        self._direct = scalar_safe(surface)  # a core Surface: its scalar calls never raise
        xmin, xmax, ymin, ymax = getattr(surface, "view", (-3.0, 3.0, -3.0, 3.0))
        self._centre = (xmin + xmax) / 2, (ymin + ymax) / 2
        self._escape = ESCAPE_FACTOR * math.hypot(xmax - xmin, ymax - ymin)
        # the path so far as compact columns (44 bytes a step), never as Step objects; None: not recorded
        self.columns: Columns | None = path_columns(capacity)
        self._index = -1
        self._start_loss = self._last_finite = math.nan  # what _falling compares with
        self._before: tuple[float, float] | None = None  # the point the last step left (Nesterov's look-ahead leg)
        self._record(float(start[0]), float(start[1]), {})

    # -- state ----------------------------------------------------------------------------------------------

    @property
    def last(self) -> Step:
        """The newest step, with its picture state (built when asked: a racer that is only played costs less)."""
        if self._last is None:
            info = self._info if self._info is not None else self._first_order_info()
            if self._later is not None:  # a second-order step's picture-only entries, computed now
                with np.errstate(all="ignore"):
                    info.update(self._later())
                self._later = None
            self._last = Step(self._index, self._point, self._loss, self._grad, self._grad_norm,
                              tuple(int(n) for n in self._evals), self._status, self._message, info)
        return self._last

    @property
    def optimizer(self):
        """The method's optimizer, up to date: the lean walk keeps a first-order state as floats until asked."""
        self._sync()
        return self._optimizer

    @property
    def _point(self) -> np.ndarray:
        if self._point_array is None:
            self._point_array = _readonly((self._x, self._y))
        return self._point_array

    @property
    def _grad(self) -> np.ndarray:
        if self._grad_array is None:
            self._grad_array = _readonly((self._gx, self._gy))
        return self._grad_array

    @property
    def index(self) -> int:
        return self._index

    @property
    def status(self) -> str:
        return self._status

    @property
    def message(self) -> str:
        return self._message

    @property
    def done(self) -> bool:
        return self._status != "running"

    @property
    def path(self) -> Path:
        cols = self.columns
        return Path(self.method, np.array(cols.col("points")), np.array(cols.col("losses")),
                    np.array(cols.col("grad_norms")), cols.col("evals").astype(np.int64),
                    self.status, self.message, self.index if self.done else None)

    def set(self, **hparams) -> None:
        """Change hyperparameters (and ``noise``, ``tol``) from the next step on; all or nothing."""
        noise = _check_nonneg("noise", hparams.pop("noise", self.noise))
        tol = _check_nonneg("tol", hparams.pop("tol", self.tol))
        if hparams:
            self.optimizer.set(**hparams)  # synced first: the twin walks with the old values until here
        self.noise, self.tol = noise, tol

    def model(self) -> QuadraticModel:
        """The local quadratic at the current point: the one Newton/L-BFGS would use next, else the exact Taylor one."""
        point = self._point
        if not self.spec.first_order:
            return self.optimizer.model(point, self.surface)
        return QuadraticModel(point, self._loss, self._grad, hess_at(self.surface, point))

    def snapshot(self) -> Runner:
        """An independent copy of where the walk is now (optimizer state, noise generator, counts), without the
        recorded path: stepping it replays exactly the steps this runner would take next."""
        self._sync()
        copy = _copy_module.copy(self)
        copy._optimizer = _copy_module.deepcopy(self._optimizer)
        copy._rng = _copy_module.deepcopy(self._rng)
        copy._normals, copy._normal_at = self._normals[self._normal_at:], 0  # only the ones still to come
        copy.columns = None
        copy._info = None if self._info is None else dict(self._info)  # its own, for its pictures to complete
        if self.spec.first_order:
            copy._xy = self._xy.copy()
            copy._evals = self._evals.copy()
        else:
            copy._oracle = _copy_module.copy(self._oracle)
            copy._oracle.evals = copy._evals = self._oracle.evals.copy()
        return copy

    # -- stepping -------------------------------------------------------------------------------------------

    def step(self) -> Step:
        """One step, returned with its picture state (Step.info)."""
        self.advance()
        return self.last

    def advance(self) -> None:
        """One step, recorded, without building a Step (the lean way to walk: the path is identical).

        A first-order step runs the optimizer's plain-float twin when it has one (core.optim.lean): the same
        operations in the same order, so the same path to the last bit, at a fraction of numpy's per-call cost."""
        if self.done:
            return
        if not self.spec.first_order:
            with np.errstate(all="ignore"):
                new, info, self._later = self._optimizer.lean_step(np.array(self._point), self._oracle)
            self._record(float(new[0]), float(new[1]), info)
            return
        at = self._normal_at
        if at == len(self._normals):
            self._normals, at = self._rng.standard_normal(NOISE_BLOCK).tolist(), 0
        self._normal_at = at + 2
        noise, x, y = self.noise, self._x, self._y
        gx, gy = self._gx + noise * self._normals[at], self._gy + noise * self._normals[at + 1]
        kernel = self._optimizer.twin or self._lean()  # none yet, or the optimizer took its state back (read, set)
        try:
            if kernel is None:
                raise ArithmeticError("no lean twin")
            new_x, new_y = kernel.step(x, y, gx, gy)
        except (ArithmeticError, ValueError):  # no twin, or a step plain floats refuse (÷0, √−1): numpy's way
            self._sync()
            with np.errstate(all="ignore"):
                self._optimizer.step_one("xy", self._xy, np.array((gx, gy)))
            new_x, new_y = float(self._xy[0]), float(self._xy[1])
        self._before = x, y
        self._evals[1] += 1
        self._record(new_x, new_y, None)

    def _lean(self):
        self._sync()
        return self._optimizer.lean("xy")

    def _sync(self) -> None:
        """The optimizer's arrays and its parameter up to date: the twin's floats written back, the point too."""
        if self.spec.first_order:
            self._optimizer.release()
            self._xy[0], self._xy[1] = self._x, self._y

    def _first_order_info(self) -> dict:
        """The picture state of the step that arrived here, from the optimizer's buffers (valid until it steps)."""
        if self._index == 0:
            return {}
        info = dict(self.optimizer.last["xy"])  # already fresh copies (core.optim builds them when read)
        info["state"] = {key: _copy(value) for key, value in self.optimizer.state["xy"].items()}
        if "lookahead_update" in info:  # torch's Nesterov: the momentum leg, then the gradient leg
            info["lookahead"] = _readonly(self._before) + info["lookahead_update"]
        return info

    def _evaluate(self, x: float, y: float) -> tuple[float, float, float]:
        """f and ∇f at the new point: what oracle.f_at and grad_at give, called directly on a core Surface (its
        scalar path already turns domain errors and overflow into NaN and inf) to spare their per-call wrapping."""
        if self._direct:
            return self.surface.value_and_gradient(x, y)
        point = _readonly((x, y))
        loss, grad = f_at(self.surface, point), grad_at(self.surface, point)
        return loss, float(grad[0]), float(grad[1])

    def _record(self, x: float, y: float, info) -> None:
        index = self._index + 1
        loss, gx, gy = self._evaluate(x, y)
        grad_norm = float(_hypot(gx, gy))
        status, message = self._judge(index, x, y, loss, grad_norm, info.get("failure") if info else None)
        self._index, self._x, self._y, self._loss, self._gx, self._gy = index, x, y, loss, gx, gy
        self._grad_norm, self._point_array, self._grad_array = grad_norm, None, None
        self._status, self._message, self._info, self._last = status, message, info, None
        if index == 0:
            self._start_loss = loss
        if math.isfinite(loss):
            self._last_finite = loss
        if self.columns is not None:
            self.columns.append_row((x, y), loss, grad_norm, self._evals)

    def _judge(self, index, x, y, loss, grad_norm, failure) -> tuple[str, str]:
        point = x, y
        finite = math.isfinite(x) and math.isfinite(y)
        far = not finite or math.hypot(x - self._centre[0], y - self._centre[1]) > self._escape
        if (not failure and index and finite and not far and abs(loss) <= OVERFLOW and math.isfinite(grad_norm)
                and grad_norm >= self.tol):
            return "running", ""  # the common case, decided in plain floats (the checks below, in order)
        hint = self.spec.divergence_hint
        if failure:
            return "failed", text("status.failed", index=index, reason=failure)
        if index == 0 and not math.isfinite(loss):
            return "failed", text("status.outside_domain", where=at(point))
        gone = far or abs(loss) > OVERFLOW
        if gone and self._falling(index, loss):
            return "escaped", text("status.escaped", index=index, loss=loss if math.isfinite(loss) else -math.inf)
        if not finite:
            return "diverged", text("status.not_finite", index=index, hint=hint)
        if far:
            return "diverged", text("status.left_view", index=index, factor=ESCAPE_FACTOR, hint=hint)
        if math.isnan(loss):
            return "diverged", text("status.undefined", index=index, where=at(point))
        if abs(loss) > OVERFLOW:
            return "diverged", text("status.overflow", index=index, where=at(point), hint=hint)
        if not math.isfinite(grad_norm):
            return "diverged", text("status.gradient_not_finite", index=index, where=at(point), hint=hint)
        if grad_norm < self.tol:
            return "converged", text("status.converged", index=index, grad_norm=grad_norm, tol=self.tol,
                                     kind=self._kind(_readonly(point)))
        return "running", ""

    def _falling(self, index: int, loss: float) -> bool:
        """f went down on the way out: −∞ or below the start, or (when f is lost) the last finite f was."""
        if index == 0:
            return False  # the start itself: nothing fell yet
        start = self._start_loss
        if math.isfinite(loss) or loss == -math.inf:
            return loss < start
        last = self._last_finite if math.isfinite(self._last_finite) else start
        return last < start and index > 1

    def _kind(self, point) -> str:
        """What the converged point is, when the Hessian says it is not a minimum (not charged)."""
        hess = hess_at(self.surface, point)
        lam = np.linalg.eigvalsh(hess) if np.all(np.isfinite(hess)) else np.zeros(2)
        if lam[0] < 0 < lam[1]:
            return text("kind.saddle")
        if lam[1] < 0:
            return text("kind.maximum")
        return ""


def _walk(runner: Runner, steps: int | None):
    yield runner.last
    while not runner.done and (steps is None or runner.index < steps):
        yield runner.step()


def _check_steps(steps) -> None:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ConfigError(f"steps: must be a whole number ≥ 0, got {steps!r}", "steps")


def iterate(surface, method: str, start, steps: int | None = None, **kwargs):
    """Steps of ``Runner(surface, method, start, **kwargs)``: step 0 (the start) first, until done or ``steps``.

    Arguments are checked here, before the first ``next()``.
    """
    if steps is not None:
        _check_steps(steps)
    return _walk(Runner(surface, method, start, **kwargs), steps)


def run(surface, method: str, start, steps: int, **kwargs) -> Path:
    """The whole path: ``steps + 1`` points unless it converged, diverged or failed first."""
    _check_steps(steps)
    runner = Runner(surface, method, start, **kwargs)
    for _ in _walk(runner, steps):
        pass
    return runner.path
