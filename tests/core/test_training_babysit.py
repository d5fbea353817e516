"""Babysitting checks, and training on the real bundled digits."""
import math

import numpy as np
import pytest

from core.data import load_mnist
from core.nn import blas_threads, set_blas_threads
from core.training import TrainConfig, Trainer, diagnose_divergence, initial_loss_check, overfit_check, race

from .test_training_data import blobs


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """Two OpenBLAS threads crawl when other processes share the cores; one keeps these tests fast anyway."""
    before = blas_threads()
    if before is not None:
        set_blas_threads(1)
    yield
    if before is not None:
        set_blas_threads(before)


@pytest.fixture(scope="module")
def digits():
    return load_mnist()


def test_initial_loss_with_small_weights_is_ln_classes(digits):
    trainer = Trainer(digits, TrainConfig(init="small", iterations=1))
    assert trainer.expected_initial_loss == pytest.approx(math.log(10))
    assert trainer.initial.measured == pytest.approx(math.log(10), abs=1e-3)
    assert trainer.initial.ok and "as expected" in trainer.initial.note


def test_initial_loss_with_large_weights_is_flagged(digits):
    initial = Trainer(digits, TrainConfig(init="large", iterations=1)).initial
    assert not initial.ok and initial.measured > 10
    assert "too large" in initial.note


def test_initial_loss_notes():
    assert initial_loss_check(2.9, 10).ok and "a bit above" in initial_loss_check(2.9, 10).note
    assert not initial_loss_check(1.0, 10).ok
    assert not initial_loss_check(math.inf, 10).ok
    assert "L2 term adds 0.5" in initial_loss_check(2.3, 10, reg_loss=0.5).note


def test_divergence_diagnoses():
    assert diagnose_divergence(math.nan, 12, "adam", 1e6) == (
        "loss became NaN at iteration 12: the learning rate (1e+06) is probably too high; try 1e-3")
    assert "σ = 1" in diagnose_divergence(math.inf, 3, "adam", 1e-3, init="large")
    assert "infinite" in diagnose_divergence(math.inf, 3, "sgd", 0.01)


def test_overfitting_twenty_examples(digits):
    result = overfit_check(digits, TrainConfig(hidden=(50, 50), dropout=0.5, weight_decay=0.1), n=20,
                           iterations=150)
    assert result.n == 20 and result.losses.shape == (150,)
    assert result.reached and result.final_loss < 0.01 and "overfits 20 examples" in result.message
    assert result.iterations_to_threshold <= 150 and result.accs[-1] == 1.0


def test_overfit_check_reports_failure():
    result = overfit_check(blobs(), TrainConfig(optimizer="sgd", hparams={"lr": 1e-5}), n=20, iterations=20)
    assert not result.reached and result.iterations_to_threshold is None
    assert "did not overfit 20 examples" in result.message


def test_a_few_hundred_iterations_on_the_bundled_digits(digits):
    run = Trainer(digits, TrainConfig(iterations=300, eval_every=100)).run()
    assert run.status == "finished" and run.val_accs[-1] > 0.85
    assert run.losses[:10].mean() > 1.0 > run.losses[-10:].mean()


def test_scripting_race_on_the_digits(digits):
    runs = race(digits, [{"name": "sgd", "lr": 0.1}, {"name": "momentum", "lr": 0.01}, {"name": "adam"}],
                hidden=(50,), iterations=150, eval_every=150)
    assert list(runs) == ["sgd", "momentum", "adam"]
    assert all(r.losses.shape == (150,) and r.final_val_acc > 0.8 for r in runs.values())
    assert len({r.losses[0] for r in runs.values()}) == 1
    assert np.all(np.isfinite(np.concatenate([r.losses for r in runs.values()])))
