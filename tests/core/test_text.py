"""Core's on-screen sentences come from one catalogue of templates; each carries its key and arguments."""
import pickle
import re
from pathlib import Path

import pytest

import core
from core.text import TEMPLATES, Text, fields, text

CORE = Path(__file__).resolve().parents[2] / "core"


def test_a_text_is_its_english_sentence_and_keeps_key_and_arguments():
    t = text("status.converged", index=3, grad_norm=2e-9, tol=1e-8, kind="")
    assert t == "converged at step 3: ‖∇f‖ = 2e-09 < 1e-08" and isinstance(t, str)
    assert t.key == "status.converged" and t.args["index"] == 3
    assert pickle.loads(pickle.dumps(t)).key == "status.converged"  # crosses to the GUI from a worker process
    with pytest.raises(KeyError):
        text("status.sparkles")
    with pytest.raises(KeyError):
        text("status.converged", index=3)  # a missing argument


def test_every_template_formats_with_its_own_fields():
    for key, template in TEMPLATES.items():
        sample = {name: 1.0 for name in fields(key)}
        assert isinstance(Text(key, **sample), str), key
        assert template.strip(), key  # fragments (", a saddle point …") may start with a space or a comma


def test_lessons_notes_statuses_and_diagnoses_come_from_the_catalogue():
    assert all(s.lesson.key == f"lesson.{s.key}" for s in core.SURFACES.values())
    assert all(m.note.key == f"note.{m.key}" for m in core.methods.methods())
    path = core.run(core.get_surface("saddle"), "newton", start=(-1.0, 0.5), steps=5)
    assert path.message.startswith("converged") and "saddle point" in path.message
    assert core.diagnose_divergence(float("nan"), 3, "sgd", 1e6).key == "diverged.lr"


def test_every_key_used_in_core_exists():
    used = set()
    for path in CORE.rglob("*.py"):
        used |= set(re.findall(r'\b(?:text|say)\("([a-z_]+\.[a-z_0-9]+)"', path.read_text()))
    assert used and used <= set(TEMPLATES), sorted(used - set(TEMPLATES))
