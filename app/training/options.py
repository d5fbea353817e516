"""The choices the Training tab offers (labels, presets, editor specs) and how typed settings are read."""
from __future__ import annotations

import dataclasses

from app.theme import OKABE_ITO, racer_color
from app.widgets import format_number
from core.methods import first_order, get_method


def method_label(name: str) -> str:
    """The method's label from core's registry (its key if it is not registered)."""
    try:
        return get_method(name).label
    except ValueError:
        return name


def trainable() -> list[str]:
    """The methods that can train the MLP, in the registry's order."""
    return [m.key for m in first_order()]


# Hidden layer presets: label -> sizes (the lecture's network is 4 × 100).
HIDDEN_PRESETS = {
    "4 × 100 (lecture)": (100, 100, 100, 100),
    "1 × 100": (100,),
    "2 × 200": (200, 200),
    "none (softmax classifier)": (),
    "10 × 50 (deep)": (50,) * 10,
}
CUSTOM = "custom…"
MAX_HIDDEN_LAYERS = 20
MAX_WIDTH = 4096

# On MNIST the lecture wants lr = 1e6 to blow up on purpose; optimizers accept any lr ≥ 0.
LR_MAX = 1e6

# Shown in the editor; the rest stay at their defaults (the Landscape tab shows every one of them).
HIDDEN_HPARAMS = {"maximize"}


def training_specs(method: str) -> tuple:
    """The method's specs as the Training tab edits them: lr up to 1e6, no `maximize`."""
    specs = []
    for spec in get_method(method).specs:
        if spec.name in HIDDEN_HPARAMS:
            continue
        if spec.name == "lr":
            spec = dataclasses.replace(spec, max=LR_MAX)
        specs.append(spec)
    return tuple(specs)


def describe(entry: dict) -> str:
    """"Adam · lr 1e-3": the method and the hyperparameters that differ from its defaults, lr always."""
    name = entry["name"]
    defaults = get_method(name).defaults
    parts = [f"lr {format_number(entry.get('lr', defaults.get('lr', 0)), 3)}"]
    for key, value in entry.items():
        if key in ("name", "lr") or key not in defaults or value == defaults[key]:
            continue
        parts.append(f"{key} {value}" if isinstance(value, bool) else f"{key} {format_number(value, 3)}")
    return f"{method_label(name)} · " + ", ".join(parts)


def racer_colors(entries) -> list[str]:
    """The theme's colour of each entry's method; a repeated method gets the next unused Okabe-Ito colour."""
    used, colors = set(), []
    for entry in entries:
        color = racer_color(entry["name"])
        if color in used:
            color = next((c for c in OKABE_ITO.values() if c not in used), color)
        used.add(color)
        colors.append(color)
    return colors


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden sizes from "100, 100,100" (blank = none); ValueError with a message saying what to fix."""
    text = text.strip().strip(",").strip()
    if not text:
        return ()
    sizes = []
    for i, part in enumerate(text.replace(";", ",").split(","), start=1):
        part = part.strip().replace("_", "")
        if not part.isdigit():
            raise ValueError(f"layer {i}: {part!r} is not a whole number (write sizes like 100,100,100)")
        size = int(part)
        if not 1 <= size <= MAX_WIDTH:
            raise ValueError(f"layer {i}: {size} units; use 1 to {MAX_WIDTH}")
        sizes.append(size)
    if len(sizes) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"{len(sizes)} hidden layers; use at most {MAX_HIDDEN_LAYERS}")
    return tuple(sizes)


def format_hidden(sizes) -> str:
    return ",".join(str(s) for s in sizes)
