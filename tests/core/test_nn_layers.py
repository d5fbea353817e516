"""Each layer's backward against central finite differences in float64 (relative error < 1e-6)."""
import numpy as np
import pytest

from core.nn import (
    ELU,
    BatchNorm,
    Dropout,
    LeakyReLU,
    Linear,
    Maxout,
    PReLU,
    ReLU,
    Sigmoid,
    Tanh,
    numerical_gradient,
    relative_error,
    softmax,
    softmax_cross_entropy,
)

F64 = np.float64
TOL = 1e-6


def away_from_zero(rng, shape, margin=0.1):
    """Data whose entries keep |x| ≥ margin, so a ±1e-5 probe never crosses a kink at 0."""
    x = rng.standard_normal(shape)
    return np.sign(x) * (margin + np.abs(x))


def check_layer(layer, x, train=True):
    """Compare backward's dx and parameter gradients with finite differences of Σ forward(x)·g."""
    rng = np.random.default_rng(1)
    g = rng.standard_normal(layer.forward(x, train).shape)

    def f():
        return float(np.sum(layer.forward(x, train) * g))

    f()
    dx = layer.backward(g)
    analytic = {k: v.copy() for k, v in layer.grads.items()}
    errors = {"x": relative_error(dx, numerical_gradient(f, x))}
    for k, p in layer.params.items():
        errors[k] = relative_error(analytic[k], numerical_gradient(f, p))
    assert max(errors.values()) < TOL, errors
    return errors


def test_linear():
    rng = np.random.default_rng(0)
    layer = Linear(rng.standard_normal((7, 5)), rng.standard_normal(5), dtype=F64)
    errors = check_layer(layer, rng.standard_normal((4, 7)))
    assert set(errors) == {"x", "W", "b"}


def test_linear_without_input_grad_returns_none():
    rng = np.random.default_rng(0)
    layer = Linear(rng.standard_normal((3, 2)), None, need_input_grad=False, dtype=F64)
    layer.forward(rng.standard_normal((4, 3)), True)
    assert layer.backward(np.ones((4, 2))) is None
    assert list(layer.grads) == ["W"]


@pytest.mark.parametrize("make", [
    lambda: Sigmoid(F64), lambda: Tanh(F64), lambda: ReLU(F64), lambda: LeakyReLU(0.1, F64),
    lambda: ELU(1.0, F64), lambda: ELU(0.5, F64),
], ids=["sigmoid", "tanh", "relu", "leaky_relu", "elu", "elu_alpha_0.5"])
def test_activation(make):
    check_layer(make(), away_from_zero(np.random.default_rng(0), (6, 5)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_gives_the_bits_of_x_times_its_boolean_mask_at_zeros_infinities_and_nan(dtype):
    x = np.array([[-2.5, -0.0, 0.0, 1e-30, 3.0], [np.inf, -np.inf, np.nan, -1e-40, 7.25]], dtype)
    dout = np.array([[1.5, -2.0, 3.0, -4.0, 0.5], [2.0, 1.0, -1.0, 6.0, -0.0]], dtype)
    layer = ReLU(dtype)
    with np.errstate(invalid="ignore"):
        out, dx = layer.forward(x, True).copy(), layer.backward(dout)
        expected_out, expected_dx = x * (x > 0), dout * (x > 0)  # the textbook definitions, with numpy's casts
    assert out.dtype == dx.dtype == dtype
    assert out.tobytes() == expected_out.tobytes()  # -0.0 for negative inputs and NaN for -inf, as before
    assert dx.tobytes() == expected_dx.tobytes()


def test_prelu_learns_one_slope_per_unit():
    layer = PReLU(5, alpha=0.3, dtype=F64)
    assert layer.params["alpha"].shape == (5,)
    errors = check_layer(layer, away_from_zero(np.random.default_rng(0), (6, 5)))
    assert "alpha" in errors


def test_prelu_slope_above_one_is_not_clipped():
    layer = PReLU(1, alpha=2.0, dtype=F64)
    assert layer.forward(np.array([[-1.0], [3.0]]), True).ravel().tolist() == [-2.0, 3.0]


def test_maxout():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 4))
    b = a + away_from_zero(rng, (6, 4))  # the two pieces never tie
    x = np.concatenate([a, b], axis=1)
    assert Maxout(F64).forward(x, True).shape == (6, 4)
    check_layer(Maxout(F64), x)


def test_batchnorm_full_backward():
    rng = np.random.default_rng(0)
    layer = BatchNorm(5, dtype=F64)
    layer.params["gamma"][:] = rng.uniform(0.5, 2, 5)
    layer.params["beta"][:] = rng.standard_normal(5)
    errors = check_layer(layer, 3 * rng.standard_normal((8, 5)) + 1)
    assert set(errors) == {"x", "gamma", "beta"}


def test_batchnorm_normalises_in_training_and_uses_running_averages_in_evaluation():
    rng = np.random.default_rng(0)
    layer = BatchNorm(3, momentum=0.1, dtype=F64)
    x = 5 + 2 * rng.standard_normal((64, 3))
    out = layer.forward(x, True)
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(0), 1, atol=1e-3)
    np.testing.assert_allclose(layer.running_mean, 0.1 * x.mean(0))
    np.testing.assert_allclose(layer.running_var, 0.9 + 0.1 * x.var(0, ddof=1))
    for _ in range(200):
        layer.forward(x, True)
    evaluated = layer.forward(x, False)
    np.testing.assert_allclose(evaluated, (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + 1e-5), rtol=1e-6)


def test_dropout_with_a_fixed_mask():
    rng = np.random.default_rng(0)
    layer = Dropout(0.4, np.random.default_rng(3), F64)
    x = rng.standard_normal((10, 6))
    layer.forward(x, True)
    layer.frozen = True
    check_layer(layer, x)


def test_dropout_is_inverted_and_the_identity_in_evaluation():
    layer = Dropout(0.25, np.random.default_rng(0))
    x = np.ones((1000, 100), np.float32)
    out = layer.forward(x, True)
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.01
    assert abs(out.mean() - 1.0) < 0.01
    assert layer.forward(x, False) is x


def test_dropout_rejects_p_of_one():
    with pytest.raises(ValueError, match="dropout"):
        Dropout(1.0, np.random.default_rng(0))


def test_softmax_cross_entropy_gradient_and_value():
    rng = np.random.default_rng(0)
    logits, y = rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    grad = np.empty_like(logits)
    loss, correct = softmax_cross_entropy(logits, y, grad)
    p = softmax(logits)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(5), y])), rel=1e-12)
    assert correct == int(np.sum(p.argmax(1) == y))
    numeric = numerical_gradient(lambda: softmax_cross_entropy(logits, y)[0], logits)
    assert relative_error(grad, numeric) < TOL


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1e4, 0.0, -1e4], [1e30, 1e30, -1e30]], np.float32)
    with np.errstate(all="raise", under="ignore"):
        loss, correct = softmax_cross_entropy(logits, np.array([1, 0]), np.empty_like(logits))
    assert np.isfinite(loss) and loss == pytest.approx((1e4 + np.log(2)) / 2, rel=1e-6)
    assert correct == 1


def test_uniform_logits_give_ln_classes():
    loss, _ = softmax_cross_entropy(np.zeros((3, 10), np.float32), np.array([0, 5, 9]))
    assert loss == pytest.approx(np.log(10), rel=1e-6)
