"""Every sentence core puts on screen, as templates with named arguments: one catalogue, so the app can translate
them with Qt's tools (the key is the context, the English template the source text) and a test can check them.

`text(key, **args)` returns a `Text`: a str (the English sentence, so it prints, compares and searches like one)
that also carries `key` and `args`, from which a translated interface formats its own sentence.
"""
from __future__ import annotations

import string
from types import MappingProxyType

__all__ = ["TEMPLATES", "Text", "text"]

_TEMPLATES: dict[str, str] = {
    # ── a path's status (core.paths) ─────────────────────────────────────────────────────────────────────────
    "status.failed": "failed at step {index}: {reason}",
    "status.not_finite": "diverged at step {index}: the point is no longer finite ({hint})",
    "status.left_view": "diverged at step {index}: the point left the view by a factor of {factor:g} ({hint})",
    "status.undefined": "diverged at step {index}: f is undefined (NaN) at {where}",
    "status.overflow": "diverged at step {index}: |f| overflowed at {where} ({hint})",
    "status.gradient_not_finite": "diverged at step {index}: the gradient is not finite at {where} ({hint})",
    "status.escaped": "escaped at step {index}: f kept falling ({loss:.3g}) as the point left the view — this "
                      "surface is unbounded below (f → −∞), so the step size is not to blame",
    "status.outside_domain": "the start {where} is outside the surface's domain (f is undefined there): pick another "
                             "start",
    "status.max_steps": "stopped after {steps} steps (Max steps); raise it to race on",
    "status.ready": "ready",
    # a badge's headline where there is room for one line only (a projector); the full status is its tooltip
    "badge.converged": "minimum",
    "badge.saddle": "saddle",
    "badge.maximum": "maximum",
    "badge.diverged": "diverged",
    "badge.escaped": "escaped",
    "badge.failed": "failed",
    "badge.limit": "Max steps",
    "badge.outside": "outside the domain",
    "status.converged": "converged at step {index}: ‖∇f‖ = {grad_norm:.2g} < {tol:g}{kind}",
    "kind.saddle": ", a saddle point, not a minimum (the Hessian is indefinite)",
    "kind.maximum": ", a maximum (the Hessian is negative definite)",
    # ── why a second-order step could not be taken (core.optim.newton, core.optim.lbfgs) ───────────────────
    "newton.not_finite": "the gradient or Hessian is not finite at {where}",
    "newton.singular": "{what} is singular at {where}: Newton's step is undefined{hint}",
    "newton.singular_hint": " (damping λ > 0 makes it solvable)",
    "newton.uphill": "Newton's direction points uphill here (indefinite Hessian): this step follows −∇f",
    "newton.no_decrease": "the line search found no decrease along Newton's direction at {where} after {halvings} "
                          "halvings",
    "lbfgs.not_finite": "the loss or gradient is not finite at {where}",
    "lbfgs.reset": "the L-BFGS direction was not downhill, so the history was cleared",
    "lbfgs.no_decrease": "the line search found no lower point along the L-BFGS direction at {where} (the limit of "
                         "floating-point resolution?)",
    # ── babysitting a training run (core.training) ─────────────────────────────────────────────────────────────
    "initial.overflow": "the initial loss is {measured}: the forward pass already overflows{init}; use smaller "
                        "weights (Xavier or He)",
    "initial.overflow_init": " with init '{init}'",
    "initial.ok": "initial loss {measured:.3f} ≈ ln({classes}) = {expected:.3f}: as expected",
    "initial.far_above": "initial loss {measured:.3g} is far above ln({classes}) = {expected:.3f}: the weights are "
                         "probably too large (the softmax starts confidently wrong); try a smaller initialisation "
                         "(Xavier or He)",
    "initial.above": "initial loss {measured:.3f} is a bit above ln({classes}) = {expected:.3f}: the logits start "
                     "spread out; fine, but smaller output weights would start at chance",
    "initial.below": "initial loss {measured:.3f} is below ln({classes}) = {expected:.3f} before any training: check "
                     "that validation and training data are not mixed up",
    "initial.l2": "{note}; the L2 term adds {reg:.3g} to the training loss",
    "diverged.head": "loss became {what} at iteration {iteration}",
    "diverged.exploded": "the loss exploded to {loss:.3g} (more than {factor:g}× its start, {start:.3g}) at "
                         "iteration {iteration}",
    "diverged.lr": "{head}: the learning rate ({lr:.0e}) is probably too high; try {typical}",
    "diverged.init": "{head}: with weights initialised at σ = 1 the activations overflow; use Xavier or He "
                     "initialisation, or lower the learning rate ({lr:.0e}) to {lower}",
    "diverged.other": "{head} with learning rate {lr:.0e}: lower it, e.g. to {lower}, or add batch normalization",
    "stall.head": "not learning: after {iteration} iterations the loss is still {loss:.3f} ≈ ln({classes}) = "
                  "{expected:.3f}, where it started",
    "stall.vanishing": "{head}. The gradients have vanished (the first layer's is {grad:.1e}): saturating "
                       "activations or a tiny initialisation stop the signal; try ReLU, He/Xavier initialization or "
                       "batch normalization",
    "stall.dead": "{head}. {dead:.0%} of a layer's ReLUs are dead (0 for every input): lower the learning rate or use "
                  "Leaky ReLU",
    "stall.lr": "{head}, though the gradients flow: the learning rate ({lr:.0e}) may be too small; raise it",
    "overfit.diverged": "could not overfit {n} examples: {reason}",
    "overfit.reached": "overfits {n} examples: loss {loss:.2g} < {threshold:g} (first at iteration {first})",
    "overfit.missed": "did not overfit {n} examples in {iterations} iterations (loss {loss:.3g}); raise the "
                      "learning rate or the iterations, or look for a bug",
    "run.finished": "finished {iterations} iterations",
    # ── what each surface teaches (core.catalogue) ─────────────────────────────────────────────────────────────
    "lesson.bowl": (
        'The bowl from Deep Learning from Scratch is 20 times steeper in y than in x, so SGD zig-zags across '
        'it while crawling along it; momentum and per-axis step sizes fix that.'),
    "lesson.rotated_ravine": (
        'The same 20:1 bowl turned 45°: steep and shallow directions now mix x and y, so per-coordinate step '
        'sizes (Adagrad, RMSprop, Adam) lose their edge and only curvature-aware methods see through it.'),
    "lesson.rosenbrock": (
        'Reaching the curved valley floor takes a few steps; following it to the minimum at (1, 1) takes '
        'every first-order method a long time.'),
    "lesson.saddle": (
        'Uphill along x, downhill along y: every run is pulled in towards the saddle point along x and slides '
        'off along y, and the nearer its start to the line y = 0, the longer it lingers there.'),
    "lesson.saddle.near_line": (
        'Started almost on the line that leads into the saddle, the gradient has nearly no y component, so '
        'plain SGD stalls at the saddle point before it slides off; noise, momentum or adaptive steps escape '
        'sooner.'),
    "lesson.monkey_saddle": (
        "Three valleys meet at a point where the gradient and the whole Hessian vanish, so even Newton's "
        'method has nothing to go on there.'),
    "lesson.flat_saddle": (
        'The way down from this saddle is a wide, almost flat shelf: SGD crawls off it for hundreds of steps,'
        ' while methods that rescale tiny gradients (RMSprop, Adam) escape quickly.'),
    "lesson.himmelblau": (
        'Four equally deep minima: which one a run ends in depends on the start and on how much momentum '
        'carries it.'),
    "lesson.two_wells": (
        'The well on the right is shallow and the one on the left deep: plain gradient descent settles in the'
        ' nearer one, enough momentum carries a run over the ridge into the global minimum.'),
    "lesson.six_hump_camel": (
        'Two global minima, four local ones and a crowd of saddles and maxima: a small map of how rugged a '
        'non-convex loss can be.'),
    "lesson.plateau": (
        'Far from the well the surface is flat to many decimals, like a saturated tanh unit: SGD barely '
        "moves, Adam's normalized steps keep going, and Newton's method is pushed the wrong way by negative "
        'curvature.'),
    "lesson.beale": (
        'The race from the CS231n animations: a flat basin feeding a long, curved valley with steep walls, '
        'where adaptive methods and momentum pull away from SGD.'),
    "lesson.custom": "Your own formula: watch how each optimizer copes with it.",
    # ── what to watch for in each method (core.optim) ──────────────────────────────────────────────────────────
    "note.sgd": (
        'Every step is γ times the local slope: it zig-zags across ravines, where the steep direction limits '
        'γ, and crawls on plateaus and near saddles where the gradient is small.'),
    "note.momentum": (
        'The velocity builds up along consistent directions and cancels across oscillating ones, so it '
        'crosses plateaus and damps ravine zig-zags — but it overshoots the minimum and spirals in.'),
    "note.nesterov": (
        'Like momentum, but the gradient is measured at the look-ahead point, so it brakes before '
        'overshooting: smaller spirals and faster settling in ravines.'),
    "note.adagrad": (
        "Each coordinate's step is γ/√(sum of all its past g²): flat directions get bigger steps, but the sum"
        ' only grows, so steps shrink forever and it can stall before reaching the minimum.'),
    "note.rmsprop": (
        'Like AdaGrad, but the average of g² forgets (memory ≈ 1/(1 − α) steps), so steps do not die out; '
        'near a minimum it can hover, taking steps of roughly γ in every coordinate.'),
    "note.adam": (
        "Momentum (m) over RMSprop's scale (√v), both bias-corrected: while t is small m and v are still near"
        ' their zero start, and without the correction the first steps would be several times too large. '
        'Steps are then ≈ γ per coordinate, whatever the slope.'),
    "note.newton": (
        'Newton jumps to the stationary point of the local quadratic in one step: the minimum of a bowl, but '
        'also a saddle when the Hessian is indefinite (pure Newton is attracted to saddles). Watch it fail '
        'where the Hessian is singular; damping and the line search make it safe but slower.'),
    "note.lbfgs": (
        'L-BFGS builds a curvature estimate from recent gradient changes, so it needs no Hessian and no '
        "learning rate; each step may evaluate f several times (the line search's trial points)."),
}

#: key -> English template (read-only)
TEMPLATES = MappingProxyType(_TEMPLATES)


class Text(str):
    """The English sentence of template `key` with `args`; `key` and `args` let a translation format its own."""

    key: str
    args: dict

    def __new__(cls, key: str, **args):
        try:
            template = _TEMPLATES[key]
        except KeyError:
            raise KeyError(f"no text {key!r} in core.text") from None
        self = super().__new__(cls, template.format(**args))
        self.key, self.args = key, dict(args)
        return self

    def __reduce__(self):  # pickles (a run's messages cross to the GUI from a worker process)
        return _rebuild, (self.key, self.args)


def _rebuild(key: str, args: dict) -> Text:
    return Text(key, **args)


def text(key: str, **args) -> Text:
    """The sentence `key` with its arguments filled in (KeyError for an unknown key or a missing argument)."""
    return Text(key, **args)


def fields(key: str) -> set[str]:
    """The argument names template `key` needs."""
    return {name for _, name, _, _ in string.Formatter().parse(_TEMPLATES[key]) if name}
