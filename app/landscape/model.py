"""The Landscape tab's whole state as one Qt-free, JSON-serializable scene (a lecture can be saved and replayed).

One concept a little over 300 lines: the scene's fields, the setters that validate them (through core) and the
checks a scene file must pass, which have to agree with each other.

Imports neither Qt nor pyqtgraph: tests and a future "save scene" feature use it without a display.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields

from core.errors import ConfigError
from core.methods import get_method, keys, methods

__all__ = [
    "SCENE_VERSION",
    "SPEEDS",
    "X_AXES",
    "Scene",
    "SceneError",
    "aid_label",
    "aids",
    "first_order",
    "label",
    "racers",
]


def racers() -> tuple[str, ...]:
    """The racers in keyboard order (keys 1, 2, …): every method in core's registry."""
    return keys()


def first_order() -> tuple[str, ...]:
    return tuple(m.key for m in methods() if m.first_order)


def label(method: str) -> str:
    return get_method(method).label


def aids() -> tuple[str, ...]:
    """Every visual aid some racer can show, in the order the methods declare them."""
    seen: dict[str, str] = {}
    for method in methods():
        for drawable in method.drawables:
            seen.setdefault(drawable.aid, drawable.label)
    return tuple(seen)


def aid_label(aid: str) -> str:
    return next(d.label for m in methods() for d in m.drawables if d.aid == aid)


SPEEDS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0)  # optimizer steps per displayed frame
X_AXES = ("iterations", "evaluations")
MAX_STEPS_LIMIT = 100_000  # a racer keeps 44 bytes a step (core.surface_race): 100k steps × 8 racers ≈ 35 MB

SCENE_VERSION = 1  # the format of Scene.to_dict; from_dict reads every version up to it
COORD_LIMIT = 1e6  # start, view and domain coordinates
MAX_FORMULA = 1000  # characters (core's parser refuses longer formulas too)
MAX_JSON = 1_000_000  # characters of a scene file


class SceneError(ValueError):
    """A scene dictionary that cannot be read; the message names the field and the problem."""


def _default_aids() -> dict[str, bool]:
    return {aid: aid in ("gradient", "step", "velocity") for aid in aids()}


@dataclass
class Scene:
    """Everything the Landscape tab shows, as plain values: `Scene.from_dict(s.to_dict()) == s` always holds.

    `surface` is a key of core.SURFACES, or "custom" with `formula` and `domain` (the view box the formula
    is defined on). `view` is the visible range (None: the surface's default), `start` the start point
    (None: the surface's first preset). `hparams[method]` holds only what the user set; the rest comes from
    core's registry (each method's per-surface starting lr). With `shared_lr` on, every first-order racer uses `lr`.
    """

    surface: str = "saddle"
    formula: str = ""
    domain: tuple[float, float, float, float] | None = None
    view: tuple[float, float, float, float] | None = None
    start: tuple[float, float] | None = None
    enabled: list[str] = field(default_factory=lambda: list(racers()))
    hparams: dict[str, dict] = field(default_factory=dict)
    shared_lr: bool = False
    lr: float = 0.01
    aids: dict[str, bool] = field(default_factory=_default_aids)
    speed: float = 1.0
    max_steps: int = 1000
    noise: float = 0.0
    selected: str = "momentum"
    x_axis: str = "iterations"
    seed: int = 0
    pinned: bool = False  # the user's hyperparameter edits follow them to every surface

    def __post_init__(self) -> None:
        self._listeners: list = []  # not a field: neither serialized nor compared
        self._edits_by_surface: dict[str, dict] = {}  # each surface's edits, while they are not pinned
        self.validate()

    # -- notification ---------------------------------------------------------------------------------------
    def subscribe(self, listener) -> None:
        """`listener(field)` after every change a setter made (the lesson player and the views may follow)."""
        self._listeners.append(listener)

    def _change(self, **values) -> None:
        """Validate `values` as a whole (SceneError names the field, and nothing is stored), store, notify."""
        trial = Scene(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **values})
        for name in values:
            setattr(self, name, getattr(trial, name))
        for name in values:
            _tell(self, name)

    # -- setters: validate through core, store, notify ----------------------------------------------------
    def set_surface(self, key: str, formula: str = "", domain=None) -> None:
        """A built-in surface (its default view and start) or "custom" with its formula and domain.

        Unless `pinned`, hyperparameter edits belong to the surface they were made on: the next surface starts from
        its own tuned values (core's per-surface starting lr), and these edits come back with their surface."""
        edits = self.hparams
        if not self.pinned:
            here = _surface_id(self.surface, self.formula)
            self._edits_by_surface[here] = {m: dict(v) for m, v in self.hparams.items()}
            edits = self._edits_by_surface.get(_surface_id(key, formula), {})
        self._change(surface=key, formula=formula, domain=domain, view=None, start=None, hparams=edits)

    def set_pinned(self, on: bool) -> None:
        self._change(pinned=bool(on))

    def set_start(self, start) -> None:
        self._change(start=start)

    def set_view(self, view) -> None:
        self._change(view=view)

    def select(self, method: str) -> None:
        self._change(selected=method)

    def set_aid(self, aid: str, on: bool) -> None:
        if aid not in aids():
            raise SceneError(f"aids: unknown aid {aid!r}")
        self._change(aids={**self.aids, aid: bool(on)})

    def set_speed(self, speed: float) -> None:
        self._change(speed=speed)

    def set_max_steps(self, max_steps: int) -> None:
        self._change(max_steps=max_steps)

    def set_noise(self, noise: float) -> None:
        self._change(noise=noise)

    def set_shared_lr(self, on: bool, lr: float | None = None) -> None:
        self._change(shared_lr=bool(on), lr=self.lr if lr is None else lr)

    def set_lr(self, lr: float) -> None:
        self._change(lr=lr)

    def set_x_axis(self, axis: str) -> None:
        self._change(x_axis=axis)

    # -- validation -------------------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise SceneError naming the first field that is out of range or of the wrong type."""
        if not isinstance(self.surface, str) or not self.surface:
            raise SceneError("surface: expected a surface key")
        if not isinstance(self.formula, str) or len(self.formula) > MAX_FORMULA:
            raise SceneError(f"formula: expected a formula of at most {MAX_FORMULA} characters")
        if self.surface == "custom" and not self.formula.strip():
            raise SceneError("formula: a custom surface needs a formula")
        for name in ("domain", "view"):
            box = getattr(self, name)
            if box is not None:
                box = _floats(name, box, 4)
                if not (box[0] < box[1] and box[2] < box[3]):
                    raise SceneError(f"{name}: expected (xmin, xmax, ymin, ymax) with xmin < xmax and ymin < ymax")
                setattr(self, name, box)
        if self.start is not None:
            self.start = _floats("start", self.start, 2)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**32:
            raise SceneError("seed: expected a whole number 0 … 2³² − 1")
        for name in ("shared_lr", "pinned"):
            if not isinstance(getattr(self, name), bool):
                raise SceneError(f"{name}: expected true or false")
        known = racers()
        if not isinstance(self.enabled, (list, tuple)):
            raise SceneError("enabled: expected a list of method names")
        unknown = [m for m in self.enabled if m not in known]
        if unknown:
            raise SceneError(f"enabled: unknown method {unknown[0]!r}")
        self.enabled = [m for m in known if m in self.enabled]
        if not isinstance(self.hparams, dict):
            raise SceneError("hparams: expected an object of method → values")
        for method, values in self.hparams.items():
            if method not in known or not isinstance(values, dict):
                raise SceneError(f"hparams: unknown method {method!r}")
            _check_hparams(method, values)
        if self.selected not in known:
            raise SceneError(f"selected: unknown method {self.selected!r}")
        if not isinstance(self.aids, dict) or not all(isinstance(v, bool) for v in self.aids.values()):
            raise SceneError("aids: expected an object of aid → true or false")
        unknown = sorted(set(self.aids) - set(aids()))
        if unknown:
            raise SceneError(f"aids: unknown aid {unknown[0]!r}")
        self.aids = {aid: self.aids.get(aid, False) for aid in aids()}
        self.lr = _positive("lr", self.lr)
        self.speed = _positive("speed", self.speed)
        self.noise = _number("noise", self.noise)
        if not self.noise >= 0:
            raise SceneError("noise: expected a gradient-noise σ ≥ 0")
        if isinstance(self.max_steps, bool) or not isinstance(self.max_steps, int):
            raise SceneError("max_steps: expected an integer")
        if not 1 <= self.max_steps <= MAX_STEPS_LIMIT:
            raise SceneError(f"max_steps: expected 1 … {MAX_STEPS_LIMIT}")
        if self.x_axis not in X_AXES:
            raise SceneError(f"x_axis: expected one of {', '.join(X_AXES)}")
        self.shared_lr = bool(self.shared_lr)

    # -- derived values (no math: just which numbers go to core) ----------------------------------------
    def hparams_for(self, method: str, defaults: dict) -> dict:
        """The hyperparameters to pass to core for `method`: `defaults`, then the user's edits, then the
        shared lr (first-order methods only: Newton and L-BFGS take full steps)."""
        values = dict(defaults)
        values.update(self.hparams.get(method, {}))
        if self.shared_lr and get_method(method).first_order:
            values["lr"] = self.lr
        return values

    def set_hparams(self, method: str, changes: dict) -> dict:
        """Validate `method`'s stored edits with `changes` merged in through core, then store them; returns them.

        Raises SceneError with core's message, and stores nothing, when core would refuse the combination
        (Nesterov ticked on SGD, whose momentum is 0)."""
        if method not in racers():
            raise SceneError(f"hparams: unknown method {method!r}")
        merged = {**self.hparams.get(method, {}), **changes}
        _check_hparams(method, merged)
        self.hparams[method] = merged
        _tell(self, "hparams")
        return merged

    def clear_hparams(self, method: str) -> None:
        self.hparams.pop(method, None)
        _tell(self, "hparams")

    def is_enabled(self, method: str) -> bool:
        return method in self.enabled

    def set_enabled(self, method: str, on: bool) -> None:
        if method not in racers():
            raise SceneError(f"enabled: unknown method {method!r}")
        chosen = set(self.enabled) | {method} if on else set(self.enabled) - {method}
        self.enabled = [m for m in racers() if m in chosen]
        _tell(self, "enabled")

    # -- JSON ------------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """Plain JSON types only (tuples become lists), with the format's `version`."""
        data = {"version": SCENE_VERSION, **asdict(self)}
        for name in ("domain", "view", "start"):
            if data[name] is not None:
                data[name] = list(data[name])
        return json.loads(json.dumps(data))

    @classmethod
    def from_dict(cls, data: dict) -> Scene:
        """Read a dictionary written by to_dict (missing fields take their defaults; unknown ones are refused)."""
        if not isinstance(data, dict):
            raise SceneError("scene: expected a JSON object")
        data = dict(data)
        version = data.pop("version", SCENE_VERSION)  # scenes saved before versions were introduced are version 1
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= SCENE_VERSION:
            raise SceneError(f"version: this Descent Lab reads scene versions 1 … {SCENE_VERSION}, not {version!r}")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise SceneError(f"{unknown[0]}: not a scene field")
        values = dict(data)
        for name in ("domain", "view", "start"):
            if values.get(name) is not None:
                if not isinstance(values[name], (list, tuple)):
                    raise SceneError(f"{name}: expected a list of numbers")
                values[name] = tuple(values[name])
        if "hparams" in values:
            if not isinstance(values["hparams"], dict):
                raise SceneError("hparams: expected an object of method → values")
            values["hparams"] = {m: dict(v) if isinstance(v, dict) else v for m, v in values["hparams"].items()}
        try:
            return cls(**values)
        except TypeError as exc:
            raise SceneError(f"scene: {exc}") from None

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Scene:
        if not isinstance(text, str) or len(text) > MAX_JSON:
            raise SceneError(f"scene: expected JSON text of at most {MAX_JSON // 1000} kB")
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as exc:
            raise SceneError(f"scene: not JSON ({exc.msg} at line {exc.lineno})") from None
        except RecursionError:
            raise SceneError("scene: nested too deeply to be a scene") from None


def _tell(scene: Scene, name: str) -> None:
    """Notify the scene's listeners that `name` changed."""
    for listener in list(scene._listeners):
        listener(name)


def _surface_id(key: str, formula: str) -> str:
    return f"custom:{formula}" if key == "custom" else key


def _check_hparams(method: str, values: dict) -> None:
    """SceneError unless core accepts `values` over the method's defaults (the lr is checked as given)."""
    spec = get_method(method)
    try:
        spec.validate({**spec.defaults, **values})
    except ConfigError as exc:
        raise SceneError(f"hparams: {spec.label}: {exc}") from None


def _number(name: str, value) -> float:
    """A finite real number (not a bool, a string or a list); SceneError naming the field otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SceneError(f"{name}: expected a number")
    try:
        value = float(value)
    except OverflowError:
        raise SceneError(f"{name}: the number is too large") from None
    if not math.isfinite(value):
        raise SceneError(f"{name}: expected a finite number")
    return value


def _floats(name: str, values, n: int) -> tuple:
    """n coordinates, each within ±COORD_LIMIT (a ±1e308 box cannot be drawn or raced)."""
    if not isinstance(values, (list, tuple)) or len(values) != n:
        raise SceneError(f"{name}: expected {n} numbers")
    out = tuple(_number(name, v) for v in values)
    if any(abs(v) > COORD_LIMIT for v in out):
        raise SceneError(f"{name}: coordinates must lie within ±{COORD_LIMIT:g}")
    return out


def _positive(name: str, value) -> float:
    value = _number(name, value)
    if not value > 0:
        raise SceneError(f"{name}: expected a number > 0")
    return value
