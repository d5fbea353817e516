"""Per-layer diagnostics: histograms, dead ReLUs, saturation, gradient norms and update ratios."""
import math

import numpy as np
import pytest

from core.training import TrainConfig, Trainer, histogram_range

from .test_training_data import blobs

BASE = dict(hidden=(32, 16), batch_size=32, iterations=20, eval_every=10, eval_size=100, probe_size=60)


@pytest.fixture(scope="module")
def data():
    return blobs()


def trained(data, steps=3, **kw):
    trainer = Trainer(data, TrainConfig(**{**BASE, **kw}))
    for _ in range(steps):
        trainer.step()
    return trainer


def test_diagnostics_every_k_iterations_cover_every_layer(data):
    trainer = Trainer(data, TrainConfig(**BASE, diagnostics_every=4))
    results = [trainer.step() for _ in range(8)]
    assert [r.iteration for r in results if r.diagnostics] == [4, 8]
    d = results[-1].diagnostics
    assert d.iteration == 8 and [layer.name for layer in d.layers] == ["hidden 1", "hidden 2", "output"]
    for layer, units, key in zip(d.layers, (32, 16, 3), ("W1", "W2", "W3"), strict=False):
        assert layer.hist_counts.sum() == 60 * units and len(layer.hist_edges) == 51
        assert layer.update_ratio > 0 and math.isfinite(layer.update_ratio)
        assert layer.weight_norm == pytest.approx(np.linalg.norm(trainer.mlp.params[key]), rel=1e-5)


def test_update_ratio_and_grad_norm_are_measured_on_the_update(data):
    trainer = trained(data, steps=2, optimizer="sgd", hparams={"lr": 0.1})
    w = trainer.mlp.params["W2"].copy()
    trainer.request_diagnostics()
    stats = trainer.step().diagnostics.layers[1]
    grad = trainer.mlp.grads["W2"]
    delta = trainer.mlp.params["W2"] - w
    np.testing.assert_allclose(delta, -0.1 * grad, rtol=1e-5, atol=1e-7)
    assert stats.grad_norm == pytest.approx(np.linalg.norm(grad), rel=1e-5)
    assert stats.update_ratio == pytest.approx(np.linalg.norm(delta) / np.linalg.norm(trainer.mlp.params["W2"]),
                                               rel=1e-4)
    assert trainer.step().diagnostics is None  # a request is for one step


def test_relu_activations_statistics_and_bins(data):
    trainer = trained(data)
    stats = trainer.diagnostics().layers[0]
    acts = trainer.mlp.hidden_outputs(trainer.feed.probe)[0]
    assert stats.activation == "relu" and stats.mean == pytest.approx(acts.mean(), rel=1e-5)
    assert stats.std == pytest.approx(acts.std(), rel=1e-5)
    assert stats.hist_edges[0] == 0 and stats.hist_edges[-1] == pytest.approx(acts.max())
    assert stats.dead_fraction == pytest.approx(np.mean(np.all(acts <= 0, axis=0)))
    assert stats.saturated_fraction is None


def test_all_relus_dead_with_a_very_negative_bias(data):
    trainer = trained(data, bias_init=-1.0, init="small")
    layers = trainer.diagnostics().layers
    assert layers[0].dead_fraction == 1.0 and layers[1].dead_fraction == 1.0


@pytest.fixture(scope="module")
def wide():
    return blobs(features=256)


def test_tanh_saturates_with_large_weights(wide):
    layers = trained(wide, activation="tanh", init="large", preprocess="standardize", steps=1).diagnostics().layers
    assert np.array_equal(layers[0].hist_edges, np.linspace(-1, 1, 51))
    assert layers[0].saturated_fraction > 0.8 and layers[0].dead_fraction is None
    healthy = trained(wide, activation="tanh", init="small", preprocess="standardize", steps=1).diagnostics().layers
    assert healthy[0].saturated_fraction == 0.0


def test_sigmoid_bins_and_saturation(wide):
    stats = trained(wide, activation="sigmoid", init="large", preprocess="standardize", steps=1).diagnostics().layers[0]
    assert stats.hist_edges[0] == 0 and stats.hist_edges[-1] == 1 and stats.saturated_fraction > 0.5


def test_diagnostics_on_a_given_probe_and_before_any_tracked_update(data):
    trainer = trained(data)
    d = trainer.diagnostics(data.train_x[:7])
    assert d.layers[0].hist_counts.sum() == 7 * 32
    assert math.isnan(d.layers[0].update_ratio)  # no update was measured yet


def test_histogram_ranges():
    values = np.array([-2.0, 0.5, 3.0, np.nan])
    assert histogram_range("tanh", values) == (-1.0, 1.0)
    assert histogram_range("sigmoid", values) == (0.0, 1.0)
    assert histogram_range("relu", values) == (0.0, 3.0)
    assert histogram_range("elu", values) == (-2.0, 3.0)
    assert histogram_range("relu", np.zeros(4)) == (0.0, 1.0)
    assert histogram_range("elu", np.array([np.inf])) == (0.0, 1.0)


def test_histograms_of_huge_activations_never_raise():
    """A diverging run's activations reach ±1e38 (PReLU + Adam at lr 1e6): the histogram must still count them."""
    from core.training.diagnostics import _histogram

    for values in ([-3e38, 3e38, 1.0], [1e308, -1e308], [np.inf, np.nan, 2.0]):
        edges, counts = _histogram("prelu", np.array(values))
        assert np.all(np.isfinite(edges)) and counts.sum() == np.isfinite(values).sum()
