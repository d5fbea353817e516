"""Trainer: stepping, evaluation, determinism, divergence, mid-run changes, schedules, prediction."""
import dataclasses
import math
import warnings

import numpy as np
import pytest

from core.training import Schedule, StepResult, TrainConfig, Trainer, train

from .test_training_data import blobs

SMALL = dict(hidden=(32, 16), batch_size=32, eval_every=10, eval_size=100, probe_size=50)


@pytest.fixture(scope="module")
def data():
    return blobs()


def config(**kw):
    return TrainConfig(**{**SMALL, "iterations": 40, **kw})


def test_steps_report_progress_and_finish(data):
    trainer = Trainer(data, config(iterations=25))
    results = [trainer.step() for _ in range(25)]
    assert [r.iteration for r in results] == list(range(1, 26))
    assert all(isinstance(r, StepResult) and math.isfinite(r.loss) for r in results)
    assert results[-1].examples_seen == 25 * 32 and results[-1].epoch == pytest.approx(25 * 32 / 600)
    assert [r.iteration for r in results if r.eval] == [10, 20, 25]
    assert [r.status for r in results[-2:]] == ["running", "finished"] and trainer.done
    assert trainer.step() is results[-1]  # stepping a finished run changes nothing
    h = trainer.history
    assert len(h.losses) == 25 and np.array_equal(h.iterations, np.arange(1, 26))
    assert list(h.eval_iterations) == [0, 10, 20, 25]
    assert h.val_accs[-1] == results[-1].eval.val_acc
    assert all(0 <= a <= 1 for a in h.batch_accs)


def test_training_learns(data):
    run = Trainer(data, config(iterations=150, hparams={"lr": 3e-3})).run()
    assert run.status == "finished"
    assert run.losses[-10:].mean() < 0.5 * run.losses[:10].mean()
    assert run.val_accs[-1] > 0.9 and run.train_accs[-1] > 0.9
    assert run.val_accs[0] < 0.6  # before training: about chance


def test_same_seed_gives_bit_identical_losses(data):
    kw = dict(iterations=30, dropout=0.2, batch_norm=True, optimizer="momentum", hparams={"lr": 0.05})
    a, b = Trainer(data, config(**kw)).run(), Trainer(data, config(**kw)).run()
    assert np.array_equal(a.losses, b.losses) and np.array_equal(a.val_losses, b.val_losses)
    c = Trainer(data, config(seed=1, **kw)).run()
    assert not np.array_equal(a.losses, c.losses)


def test_divergence_ends_the_run_with_a_diagnosis_and_no_warning(data):
    trainer = Trainer(data, config(optimizer="sgd", hparams={"lr": 1e6}, iterations=100))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = [trainer.step() for _ in range(60)]
    last = results[-1]
    assert last.status == "diverged" and trainer.done
    assert last.iteration < 60 and all(r is last for r in results[last.iteration:])
    assert f"at iteration {last.iteration}" in last.message
    assert "learning rate (1e+06) is probably too high; try 1e-1" in last.message
    assert not math.isfinite(last.loss) or last.loss > 100 * trainer.initial.measured  # exploded, or overflowed
    assert trainer.result().status == "diverged"


def test_switching_the_optimizer_keeps_weights_and_resets_state(data):
    trainer = Trainer(data, config(optimizer="momentum", hparams={"lr": 0.05}))
    for _ in range(5):
        trainer.step()
    weights = {k: v.copy() for k, v in trainer.mlp.params.items()}
    event = trainer.switch_optimizer("adam", lr=1e-3)
    assert all(np.array_equal(weights[k], trainer.mlp.params[k]) for k in weights)
    assert trainer.optimizer.state == {} and trainer.optimizer_name == "adam"
    assert (event.iteration, event.kind, event.before["name"], event.after["name"]) == (5, "switch", "momentum", "adam")
    assert event.before["momentum"] == 0.9 and event.after["lr"] == 1e-3
    assert "switched from momentum to adam" in event.message
    result = trainer.step()
    assert result.optimizer == "adam" and result.lr == 1e-3
    assert trainer.result().events == (event,)


def test_bad_switch_raises_and_changes_nothing(data):
    trainer = Trainer(data, config())
    with pytest.raises(ValueError):
        trainer.switch_optimizer("lion")
    with pytest.raises(ValueError):
        trainer.switch_optimizer("sgd", lr=-1.0)
    assert trainer.optimizer_name == "adam" and trainer.events == []


def test_changing_hyperparameters_mid_run_is_recorded(data):
    trainer = Trainer(data, config(optimizer="sgd", hparams={"lr": 0.1}))
    trainer.step()
    event = trainer.set_hparams(lr=0.01, momentum=0.5)
    assert event.kind == "hparams" and event.iteration == 1
    assert event.before == {"lr": 0.1, "momentum": 0.0} and event.after == {"lr": 0.01, "momentum": 0.5}
    assert trainer.step().lr == 0.01 and trainer.optimizer.hparams["momentum"] == 0.5
    with pytest.raises(ValueError):
        trainer.set_hparams(lr=-1)
    assert len(trainer.events) == 1


def test_schedule_sets_the_learning_rate_every_step(data):
    sched = Schedule.step(step_size=10, gamma=0.5)
    trainer = Trainer(data, config(optimizer="sgd", hparams={"lr": 0.2}, schedule=sched, iterations=30))
    lrs = [trainer.step().lr for _ in range(30)]
    assert lrs == [0.2] * 10 + [0.1] * 10 + [0.05] * 10
    assert trainer.optimizer.hparams["lr"] == 0.05
    np.testing.assert_array_equal(trainer.history.lrs, lrs)


def test_a_new_lr_becomes_the_schedules_base(data):
    trainer = Trainer(data, config(optimizer="sgd", hparams={"lr": 0.1}, schedule=Schedule.inverse_time(k=1.0)))
    assert trainer.step().lr == 0.1  # t = 0
    trainer.set_hparams(lr=0.3)
    assert trainer.step().lr == pytest.approx(0.3 / 2)


@pytest.mark.parametrize("schedule,t,expected", [
    (Schedule.constant(), 500, 1.0),
    (Schedule.step(100, 0.1), 250, 0.01),
    (Schedule.exponential(0.99), 10, 0.99 ** 10),
    (Schedule.inverse_time(0.5), 4, 1 / 3),
    (Schedule.cosine(100, 0.1), 50, 0.55),
    (Schedule.cosine(100, 0.1), 0, 1.0),
    (Schedule.cosine(100, 0.1), 300, 0.1),
])
def test_schedule_formulas(schedule, t, expected):
    assert schedule.lr(1.0, t) == pytest.approx(expected)


def test_cosine_defaults_to_the_run_length():
    assert Schedule.cosine().lr(2.0, 1000, total=2000) == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs", [dict(kind="warmup"), dict(kind="step", step_size=0),
                                    dict(kind="exponential", gamma=1.5), dict(kind="cosine", lr_min=-1.0)])
def test_bad_schedules_raise(kwargs):
    with pytest.raises(ValueError):
        Schedule(**kwargs)


def test_config_accepts_schedule_names_and_mappings():
    assert TrainConfig(schedule="cosine").schedule == Schedule("cosine")
    assert TrainConfig(schedule={"kind": "step", "step_size": 5}).schedule.step_size == 5


@pytest.mark.parametrize("kwargs", [
    dict(activation="swish"), dict(init="orthogonal"), dict(dropout=1.0), dict(dropout=-0.1),
    dict(batch_size=0), dict(iterations=0), dict(hidden=(10, 0)), dict(optimizer="lion"),
    dict(hparams={"lr": -1.0}), dict(hparams={"betas": 3}), dict(weight_decay=-1.0), dict(preprocess="whiten"),
    dict(eval_every=0), dict(seed=-1),
])
def test_bad_config_raises_value_error(kwargs):
    with pytest.raises(ValueError):
        TrainConfig(**kwargs)


def test_results_are_frozen_and_hold_fresh_arrays(data):
    trainer = Trainer(data, config(diagnostics_every=2))
    trainer.step()
    result = trainer.step()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.loss = 0.0
    h = trainer.history
    h.losses[:] = 123.0
    assert trainer.history.losses[0] != 123.0


def test_predict_on_images(data):
    trainer = Trainer(data, config(iterations=100, hparams={"lr": 3e-3}))
    trainer.run()
    pred = trainer.predict(data.val_x)
    assert pred.shape == (len(data.val_x),) and np.mean(pred == data.val_y) > 0.9
    assert trainer.predict(data.val_x[0]).shape == (1,)
    p = trainer.predict_proba(data.val_x[:5])
    assert p.shape == (5, 3) and np.allclose(p.sum(1), 1, atol=1e-5)
    with pytest.raises(ValueError):
        trainer.predict(np.zeros((2, 5), np.uint8))


def test_train_generator_yields_steps_and_returns_the_run(data):
    gen = train(data, config(iterations=12))
    steps = []
    with pytest.raises(StopIteration) as stop:
        while True:
            steps.append(next(gen))
    assert len(steps) == 12 and stop.value.value.status == "finished"


def test_extend_continues_a_finished_run(data):
    trainer = Trainer(data, config(iterations=5))
    trainer.run()
    trainer.extend(3)
    assert not trainer.done and trainer.run().losses.shape == (8,)


def test_float_features_are_used_as_given():
    d = blobs()
    d.train_x, d.val_x = d.train_x / 255.0, d.val_x / 255.0
    run = Trainer(d, config(iterations=5)).run()
    assert run.status == "finished"


def test_bad_data_raises_value_error(data):
    from types import SimpleNamespace
    with pytest.raises(ValueError, match="train_y"):
        Trainer(SimpleNamespace(train_x=data.train_x, train_y=data.train_y[:5], val_x=data.val_x,
                                val_y=data.val_y, classes=3), config())
    with pytest.raises(ValueError, match="val_x"):
        Trainer(SimpleNamespace(train_x=data.train_x, train_y=data.train_y, val_x=data.val_x[:, :3],
                                val_y=data.val_y, classes=3), config())
    with pytest.raises(ValueError, match="no 'train_y'"):
        Trainer(SimpleNamespace(train_x=data.train_x), config())


def test_batches_are_the_same_whether_transformed_up_front_or_per_batch(data, monkeypatch):
    from core.training import Feed
    from core.training import feed as feed_module
    up_front = Feed(data, 32, seed=2)
    monkeypatch.setattr(feed_module, "PRETRANSFORM_BYTES", 0)
    per_batch = Feed(data, 32, seed=2)
    assert up_front._train_f is not None and per_batch._train_f is None
    for t in (0, 1, 18, 19, 40):  # 18 batches per epoch: crosses epochs
        (xa, ya), (xb, yb) = up_front.batch(t), per_batch.batch(t)
        assert np.array_equal(xa, xb) and np.array_equal(ya, yb) and not xa.flags.writeable
    epoch0 = np.concatenate([up_front.batch(t)[1] for t in range(18)])
    assert len(epoch0) == 18 * 32 and not np.array_equal(epoch0, up_front.batch(18)[1])


def test_each_schedule_kind_has_its_own_default_decay():
    # An exponential schedule with step decay's γ = 0.1 would end training within a few updates.
    assert Schedule("exponential").gamma == Schedule.exponential().gamma == 0.999
    assert Schedule("step").gamma == Schedule.step().gamma == 0.1
    assert Schedule("exponential").lr(0.1, 100) > 0.09
