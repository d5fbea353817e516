"""Races: identical starts and minibatches, lockstep steps, labels, divergence of one runner."""
import numpy as np
import pytest

from core.training import Race, TrainConfig, race

from .test_training_data import blobs

BASE = TrainConfig(hidden=(32, 16), batch_size=32, iterations=30, eval_every=10, eval_size=100, probe_size=50)


@pytest.fixture(scope="module")
def data():
    return blobs()


def test_runners_start_identical_and_see_the_same_batches(data):
    r = Race(data, ["sgd", "adam"], BASE)
    a, b = r.trainers.values()
    assert all(np.array_equal(a.mlp.params[k], b.mlp.params[k]) for k in a.mlp.params)
    assert a.feed is b.feed
    seen = {name: [] for name in r.names}
    for trainer in r.trainers.values():
        original = trainer.mlp.loss_and_grads

        def spy(x, y, original=original, log=seen[trainer.name]):
            log.append(y.copy())
            return original(x, y)
        trainer.mlp.loss_and_grads = spy
    for _ in range(5):
        results = r.step()
        assert {res.iteration for res in results.values()} == {r.iteration}
    assert all(np.array_equal(p, q) for p, q in zip(seen["sgd"], seen["adam"], strict=False))


def test_identical_configurations_give_identical_runs(data):
    runs = race(data, [{"name": "momentum", "lr": 0.05}, {"name": "momentum", "lr": 0.05}], hidden=(32, 16),
                iterations=30, batch_size=32, eval_size=100, dropout=0.1)
    assert list(runs) == ["momentum", "momentum#2"]
    assert np.array_equal(runs["momentum"].losses, runs["momentum#2"].losses)


def test_race_returns_a_run_per_optimizer_with_per_iteration_losses(data):
    runs = race(data, [{"name": "sgd", "lr": 0.1}, {"name": "sgd", "lr": 0.01}, "nesterov",
                       {"name": "adam", "lr": 1e-3, "label": "Adam 1e-3"}],
                hidden=(32, 16), iterations=40, batch_size=32, eval_every=20, eval_size=100, seed=3)
    assert list(runs) == ["sgd", "sgd#2", "nesterov", "Adam 1e-3"]
    for name, run in runs.items():
        assert run.name == name and run.status == "finished" and run.losses.shape == (40,)
        assert list(run.eval_iterations) == [0, 20, 40]
    assert runs["sgd"].config.hparams == {"lr": 0.1} and runs["nesterov"].config.optimizer == "nesterov"
    assert runs["sgd"].losses[0] == runs["sgd#2"].losses[0]  # same weights, same first batch
    assert not np.array_equal(runs["sgd"].losses, runs["sgd#2"].losses)


def test_a_diverging_runner_stops_while_the_others_go_on(data):
    r = Race(data, [{"name": "sgd", "lr": 1e7}, {"name": "adam"}], BASE)
    runs = r.run()
    assert runs["sgd"].status == "diverged" and "too high" in runs["sgd"].message
    assert runs["adam"].status == "finished" and len(runs["adam"].losses) == 30
    assert len(runs["sgd"].losses) < 30 and r.done


@pytest.mark.parametrize("bad", [[], ["lion"], [{"lr": 0.1}], [{"name": "sgd", "lr": -1}], [3]])
def test_bad_optimizer_lists_raise_value_error(data, bad):
    with pytest.raises(ValueError):
        Race(data, bad, BASE)


def test_the_scripting_names_are_on_core():
    import core
    import core.training
    assert core.race is core.training.race and core.Race is core.training.Race
    assert core.Trainer is core.training.Trainer and core.TrainConfig is core.training.TrainConfig
