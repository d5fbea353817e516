"""A loss that explodes is a divergence whatever the optimizer, and the diagnosis names the real cause with a fix
that applies it (a lower lr for the lr, He for σ = 1), never a higher learning rate."""
import math

import pytest

from core.data import Dataset, load_mnist
from core.training import TrainConfig, Trainer, diagnose_divergence


@pytest.fixture(scope="module")
def tiny():
    data = load_mnist("bundled")
    return Dataset(name="tiny", train_x=data.train_x[:400], train_y=data.train_y[:400],
                   val_x=data.val_x[:100], val_y=data.val_y[:100])


@pytest.mark.parametrize("optimizer", ["adam", "adagrad", "rmsprop", "sgd"])
def test_a_huge_learning_rate_diverges_with_any_optimizer(tiny, optimizer):
    config = TrainConfig(hidden=(32, 32), optimizer=optimizer, hparams={"lr": 1e6}, iterations=300, batch_size=32,
                         eval_every=1000, eval_size=50, probe_size=20)
    trainer = Trainer(tiny, config)
    run = trainer.run()
    assert run.status == "diverged", (optimizer, run.final_loss)
    assert run.message.key == "diverged.lr" and "too high" in run.message
    assert run.message.args["fix_lr"] < 1e6  # the fix lowers the learning rate
    loss = run.losses[-1]
    assert not math.isfinite(loss) or loss > 100 * trainer.initial.measured


def test_sigma_one_initialisation_is_named_as_the_cause_and_the_fix_is_he(tiny):
    config = TrainConfig(hidden=(256, 256, 256), init="large", optimizer="sgd", hparams={"lr": 1e-2},
                         iterations=200, batch_size=32, eval_every=1000, eval_size=50, probe_size=20)
    run = Trainer(tiny, config).run()
    assert run.status == "diverged"
    assert run.message.key == "diverged.init" and run.message.args["fix_init"] == "he"
    assert "Xavier or He" in run.message


def test_the_fix_never_raises_the_learning_rate():
    for optimizer in ("sgd", "momentum", "adam"):
        for lr in (1e-4, 1e-2, 1.0, 1e6):
            message = diagnose_divergence(float("nan"), 5, optimizer, lr, "he")
            assert message.args.get("fix_lr", 0) < lr
