"""A method declared once in core's registry appears everywhere: both tabs' pickers, the equation panel, the
race list, the Landscape race; and the Landscape scene validates through core before it stores an edit."""
import numpy as np
import pytest

from app.landscape import LandscapeTab
from app.training import TrainingTab
from core import methods
from core.data import load_mnist
from core.errors import ConfigError
from core.experiment import Experiment
from core.optim import Optimizer
from core.optim.base import GRADIENT, STEP, gradient_lines, lr_spec, maximize_spec, weight_decay_spec
from core.optim.method import Method
from core.surface_race import SurfaceRace
from core.training import Race, TrainConfig, Trainer


def drawn(tab):
    """The tab after the redraw it asked for (redraws are coalesced into one per frame)."""
    tab.controller.player.frames.flush()
    return tab


class SignSGD(Optimizer):
    """θ ← θ − γ·sign(g): a toy first-order method, written the way a new optimizer file would be."""

    DEFAULTS = {"lr": 1e-2, "weight_decay": 0.0, "maximize": False}  # noqa: RUF012 (a test's toy)
    RULES = {"lr": ("nonneg", "learning rate"), "weight_decay": ("nonneg", "weight_decay value"),  # noqa: RUF012
             "maximize": ("bool", "maximize")}

    def _update(self, p, g, state, slot, hp):
        g = self._grad(p, g, hp["weight_decay"], hp["maximize"], slot)
        np.sign(g, out=slot.update)
        slot.update *= -hp["lr"]
        p += slot.update


def _lines(hp, v):
    return [*gradient_lines(hp, v), f"θ ← θ − {v('γ', hp['lr'])}·sign(g)"]


TOY = Method("signsgd", "SignSGD", "first-order", SignSGD, (lr_spec(1e-2), weight_decay_spec(), maximize_spec()),
             _lines, "Only the sign of each coordinate of the gradient counts: every step has the same size.",
             training_lr=1e-3, landscape_lr={"*": 0.02}, drawables=(GRADIENT, STEP))


@pytest.fixture
def toy():
    methods.register(TOY)
    yield TOY
    methods.unregister(TOY.key)


def test_registering_twice_or_removing_a_builtin_is_refused(toy):
    with pytest.raises(ConfigError, match="already registered"):
        methods.register(TOY)
    with pytest.raises(ConfigError, match="built in"):
        methods.unregister("adam")
    assert methods.keys()[-1] == "signsgd" and methods.get_method("signsgd") is TOY
    assert issubclass(ConfigError, ValueError)


def test_a_registered_method_appears_in_the_landscape(qtbot, toy):
    tab = LandscapeTab()
    qtbot.addWidget(tab)
    tab.show()
    tab.activateWindow()
    qtbot.waitExposed(tab)
    assert "signsgd" in tab.racers.checks and tab.racers.checks["signsgd"].text() == "9  SignSGD"
    assert "signsgd" in tab.controller.race.tracks  # it races from the start, like the others
    tab.controller.tuning.select("signsgd")
    assert "sign(g)" in tab.equation.equation_label.text() and tab.equation.title_label.text() == "SignSGD"
    assert tab.controller.tuning.hparams_for("signsgd")["lr"] == 0.02  # its declared starting lr
    tab.controller.player.step()
    step = tab.controller.race.tracks["signsgd"].runner.last
    np.testing.assert_allclose(np.abs(step.info["update"]), 0.02)  # every coordinate moved by γ
    tab.view.setFocus()
    qtbot.waitUntil(tab.view.hasFocus)
    qtbot.keyClick(tab.view, "9")  # its keyboard toggle
    assert not tab.controller.scene.is_enabled("signsgd")
    tab.shutdown()


def test_a_registered_method_appears_in_the_training_tab(qtbot, toy):
    tab = TrainingTab()
    qtbot.addWidget(tab)
    picker = tab.controls.method
    assert picker.findData("signsgd") >= 0 and picker.itemText(picker.findData("signsgd")) == "SignSGD"
    race = tab.controls.race_list.method
    assert race.findData("signsgd") >= 0
    tab.controls.choose_method("signsgd")
    assert tab.controls.note.text() == TOY.note and tab.controls.editor.values()["lr"] == 1e-3
    tab.shutdown()


def test_ticking_nesterov_on_sgd_is_refused_and_not_stored(qtbot):
    """Regression: the scene stored what core then refused, so after R the racer showed "cannot start"."""
    tab = LandscapeTab()
    qtbot.addWidget(tab)
    tab.controller.tuning.select("sgd")
    tab.controller.player.step()
    tab.editor.changed.emit({"nesterov": True})  # what ticking the box emits
    assert "nesterov" not in tab.controller.scene.hparams.get("sgd", {})
    assert "Nesterov momentum requires a momentum" in tab.side.editor_status.text()
    assert tab.editor.values()["nesterov"] is False  # the editor shows what is stored again
    tab.controller.player.reset()
    assert tab.controller.race.tracks["sgd"].status == "running"
    assert not drawn(tab).racers.badges["sgd"].text().startswith("!")
    tab.editor.changed.emit({"momentum": 0.5})  # a valid edit is stored and reaches the runner
    assert tab.controller.scene.hparams["sgd"] == {"momentum": 0.5}
    assert tab.controller.race.tracks["sgd"].runner.optimizer.hparams["momentum"] == 0.5
    tab.shutdown()


def test_every_long_run_implements_the_experiment_protocol():
    data = load_mnist("bundled")
    config = TrainConfig(hidden=(8,), iterations=2, eval_every=1, eval_size=50, probe_size=20)
    trainer = Trainer(data, config)
    race = Race(data, ["sgd", "adam"], config)
    surface = SurfaceRace(__import__("core").get_surface("bowl"), (-7, 2),
                          lambda m, s, p: __import__("core").Runner(s, m, p), max_steps=2)
    surface.add("sgd")
    for experiment in (trainer, race, surface):
        assert isinstance(experiment, Experiment)
        experiment.begin()
        while not experiment.done:
            experiment.step()
        experiment.extend(1)
        assert not experiment.done
        experiment.step()
        assert experiment.done
