"""The Landscape tab's Qt-free parts: the scene model (JSON round trip, validation) and the race."""
import json
import subprocess
import sys

import numpy as np
import pytest

import core
from app.landscape.model import Scene, SceneError, racers
from core.measures import Series
from core.methods import get_method
from core.surface_race import SurfaceRace as Race


def test_racers_are_cores_methods_in_keyboard_order():
    assert racers() == core.ALL_METHODS


def test_models_race_and_training_engines_import_no_qt():
    code = ("import sys, app.landscape.model, core.surface_race, app.training.model, app.training.engines; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_scene_json_round_trip_keeps_every_field():
    scene = Scene(surface="custom", formula="x**2 + 3*y**2", domain=(-2, 2, -1, 1), view=(-1.5, 1.5, -1, 1),
                  start=(0.5, -0.25), enabled=["adam", "sgd", "newton"], hparams={"adam": {"lr": 0.2, "beta1": 0.8}},
                  shared_lr=True, lr=0.05, aids={"velocity": True, "quadratic": True}, speed=5.0, max_steps=321,
                  noise=0.3, selected="newton", x_axis="evaluations", seed=7)
    text = scene.to_json()
    json.loads(text)  # plain JSON
    again = Scene.from_json(text)
    assert again == scene
    assert again.enabled == ["sgd", "adam", "newton"]  # kept in keyboard order
    assert again.aids["velocity"] and again.aids["quadratic"] and not again.aids["trials"]


def test_default_scene_round_trips_and_opens_on_the_saddle():
    scene = Scene()
    assert Scene.from_dict(scene.to_dict()) == scene
    assert scene.surface in core.SURFACES and core.SURFACES[scene.surface].category == "saddle"
    assert scene.enabled == list(racers())


@pytest.mark.parametrize("data, field", [
    ({"speed": 0}, "speed"),
    ({"max_steps": 0}, "max_steps"),
    ({"enabled": ["sgd", "lion"]}, "enabled"),
    ({"selected": "lion"}, "selected"),
    ({"start": [1, "a"]}, "start"),
    ({"view": [1, 0, 0, 1]}, "view"),
    ({"noise": -1}, "noise"),
    ({"x_axis": "seconds"}, "x_axis"),
    ({"colour": "red"}, "colour"),
    ({"surface": "custom", "formula": " "}, "formula"),
])
def test_bad_scene_fields_are_named_in_the_error(data, field):
    with pytest.raises(SceneError) as info:
        Scene.from_dict(data)
    assert str(info.value).startswith(field)


def test_broken_json_gives_a_scene_error():
    with pytest.raises(SceneError, match="not JSON"):
        Scene.from_json("{surface: ")


def test_hparams_for_layers_defaults_edits_and_shared_lr():
    scene = Scene(hparams={"adam": {"lr": 0.2}, "newton": {"damping": 1.0}})
    assert scene.hparams_for("adam", {"lr": 0.001, "eps": 1e-8}) == {"lr": 0.2, "eps": 1e-8}
    scene.shared_lr, scene.lr = True, 0.04
    assert scene.hparams_for("adam", {"lr": 0.001})["lr"] == 0.04
    # Newton and L-BFGS take full steps: the shared lr is for the first-order racers only.
    assert scene.hparams_for("newton", {"lr": 1.0, "damping": 0.0}) == {"lr": 1.0, "damping": 1.0}


def test_starting_lrs_are_declared_for_known_surfaces_and_fall_back():
    for method in core.methods.methods():
        assert set(method.landscape_lr) - {"*"} <= set(core.SURFACES)
    assert get_method("sgd").start_lr("rosenbrock") == get_method("sgd").landscape_lr["rosenbrock"] == 1e-3
    assert get_method("adam").start_lr("custom") == get_method("adam").landscape_lr["*"]
    assert get_method("newton").start_lr("bowl") is None


def _factory(hparams):
    return lambda method, surface, start: core.Runner(surface, method, start, **hparams.get(method, {}))


def test_race_records_exactly_cores_paths_in_lockstep():
    surface = core.get_surface("rosenbrock")
    start = surface.starts[0]
    hp = {"sgd": {"lr": 1e-3}, "adam": {"lr": 0.1}}
    race = Race(surface, start, _factory(hp), max_steps=40)
    for method in ("sgd", "adam", "newton"):
        race.add(method)
    assert race.advance(100) == 40 and race.head == 40 and race.finished
    for method, track in race.tracks.items():
        path = core.run(surface, method, start, 40, **hp.get(method, {}))
        np.testing.assert_array_equal(track.points[: track.n], path.points)
        np.testing.assert_array_equal(track.losses[: track.n], path.losses)
        np.testing.assert_array_equal(track.evals[: track.n], path.evals)
    newton = race.tracks["newton"]
    assert newton.n < 41 and newton.status == "converged"
    assert newton.at(30) == newton.n - 1 and newton.status_at(30)[0] == "converged"
    assert newton.status_at(0) == ("running", "")


def test_a_racer_added_mid_race_is_caught_up_and_buffers_grow_with_max_steps():
    surface = core.get_surface("bowl")
    race = Race(surface, surface.starts[0], _factory({}), max_steps=5)
    race.add("sgd")
    race.advance(5)
    race.add("momentum")
    assert race.tracks["momentum"].n == 6
    race.set_max_steps(50)
    race.advance(45)
    assert race.tracks["sgd"].n == 51 and len(race.tracks["sgd"].points) >= 51
    series = Series(3, surface.fmin, surface.minima)
    series.extend(race.tracks["sgd"])
    assert series.n == 51 and np.all(np.diff(series.cost[:51]) == 1)


def test_a_racer_whose_core_raises_stops_with_a_message_and_the_race_goes_on():
    surface = core.get_surface("bowl")
    race = Race(surface, surface.starts[0], _factory({}), max_steps=10)
    race.add("sgd")
    race.add("adam")

    def broken():
        raise RuntimeError("boom")

    race.tracks["sgd"].runner.advance = broken
    race.advance(3)
    assert race.tracks["sgd"].status == "failed" and "boom" in race.tracks["sgd"].message
    assert race.tracks["adam"].n == 4


def test_setters_validate_then_store_then_notify():
    scene = Scene()
    seen = []
    scene.subscribe(seen.append)
    scene.set_speed(5.0)
    scene.set_aid("quadratic", True)
    assert scene.speed == 5.0 and scene.aids["quadratic"] and seen == ["speed", "aids"]
    for bad in (lambda: scene.set_speed(-1), lambda: scene.set_max_steps(0), lambda: scene.select("bfgs"),
                lambda: scene.set_start((float("nan"), 0)), lambda: scene.set_aid("sparkles", True),
                lambda: scene.set_hparams("sgd", {"nesterov": True})):
        with pytest.raises(SceneError):
            bad()
    assert scene.speed == 5.0 and scene.max_steps == 1000 and scene.selected == "momentum" and scene.start is None
    assert "sgd" not in scene.hparams and seen == ["speed", "aids"]  # a refused change stores and tells nothing
    scene.set_surface("bowl")
    assert scene.surface == "bowl" and scene.view is None and scene.start is None


def test_scene_dictionaries_carry_a_version():
    data = Scene(surface="bowl").to_dict()
    assert data["version"] == 1
    assert Scene.from_dict(data) == Scene(surface="bowl")
    del data["version"]  # a scene saved before versions existed
    assert Scene.from_dict(data).surface == "bowl"
    with pytest.raises(SceneError, match="version"):
        Scene.from_dict({**data, "version": 99})


@pytest.mark.parametrize("data, field", [
    ({"aids": [1, 2]}, "aids"), ({"aids": {"gradient": "yes"}}, "aids"), ({"hparams": []}, "hparams"),
    ({"hparams": {"sgd": {"lr": "fast"}}}, "hparams"), ({"surface": "custom", "formula": 5}, "formula"),
    ({"noise": "lots"}, "noise"), ({"noise": [1]}, "noise"), ({"lr": 10**400}, "lr"), ({"speed": True}, "speed"),
    ({"surface": "custom", "formula": "x^2", "domain": [-1e308, 1e308, -1, 1]}, "domain"), ({"seed": -1}, "seed"),
    ({"start": "ab"}, "start"), ({"shared_lr": "yes"}, "shared_lr"), ({"view": {"a": 1}}, "view"),
])
def test_a_malformed_scene_is_refused_naming_the_field(data, field):
    with pytest.raises(SceneError, match=rf"^{field}:"):
        Scene.from_dict(data)


def test_deep_or_huge_scene_files_are_refused_with_a_message():
    with pytest.raises(SceneError, match="nested too deeply"):
        Scene.from_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SceneError, match="at most"):
        Scene.from_json(" " * 2_000_000)
