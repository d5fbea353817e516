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


def test_a_network_that_does_not_learn_is_told_why():
    """10 sigmoid layers at σ = 0.01: the loss stays at ln 10 and the gradients are ~1e-15 (lecture 6)."""
    from core.training import learning_check

    data = load_mnist("bundled")
    config = TrainConfig(hidden=(100,) * 10, activation="sigmoid", init="small", optimizer="sgd",
                         hparams={"lr": 0.01}, iterations=400, batch_size=64, eval_every=1000, diagnostics_every=100,
                         eval_size=100, probe_size=50)
    trainer, hint = Trainer(data, config), None
    while not trainer.done:
        result = trainer.step()
        if result.diagnostics is not None:
            hint = learning_check(result.iteration, trainer.history.losses, 10, result.diagnostics, result.lr) or hint
    assert hint is not None and hint.key == "stall.vanishing" and "gradients have vanished" in hint


def test_a_network_that_learns_gets_no_hint(tiny):
    from core.training import learning_check

    config = TrainConfig(hidden=(32,), optimizer="adam", iterations=400, batch_size=32, eval_every=1000,
                         diagnostics_every=100, eval_size=50, probe_size=20)
    trainer = Trainer(tiny, config)
    hints = []
    while not trainer.done:
        result = trainer.step()
        if result.diagnostics is not None:
            hints.append(learning_check(result.iteration, trainer.history.losses, 10, result.diagnostics, result.lr))
    assert hints and all(h is None for h in hints)
