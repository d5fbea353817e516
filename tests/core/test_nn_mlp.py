"""The whole MLP: gradient checks through every activation with batch norm, dropout and L2; structure; inits."""
import numpy as np
import pytest

from core.nn import ACTIVATIONS, INITS, MLP, numerical_gradient, relative_error

SIZES = (6, 5, 4, 3)


def pre_activations(mlp, x):
    """Inputs of each activation layer in a training forward (to show the data keeps clear of kinks)."""
    seen = []
    for block in mlp.blocks:
        original = block.act.forward

        def spy(z, train, original=original):
            seen.append(z.copy())
            return original(z, train)
        block.act.forward = spy
    mlp.forward(x, train=True)
    for block in mlp.blocks:
        del block.act.forward
    return seen


def kink_margin(activation, zs):
    if activation == "maxout":
        return min(float(np.abs(z[:, :z.shape[1] // 2] - z[:, z.shape[1] // 2:]).min()) for z in zs)
    if activation in ("relu", "leaky_relu", "prelu", "elu"):
        return min(float(np.abs(z).min()) for z in zs)
    return np.inf


def check_mlp(mlp, x, y):
    if mlp.dropout:
        mlp.forward(x, train=True)
        mlp.freeze_dropout()
    assert kink_margin(mlp.activation, pre_activations(mlp, x)) > 1e-3
    mlp.loss_and_grads(x, y)
    analytic = {k: g.copy() for k, g in mlp.grads.items()}
    errors = {k: relative_error(analytic[k], numerical_gradient(lambda: mlp.loss_and_grads(x, y)[0], p))
              for k, p in mlp.params.items()}
    assert max(errors.values()) < 1e-6, errors
    return errors


def data(seed=0, n=8):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, SIZES[0])), rng.integers(0, SIZES[-1], n)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_gradient_check_every_activation(activation):
    mlp = MLP(SIZES, activation=activation, init="xavier", bias_init=0.01, seed=1, dtype=np.float64)
    errors = check_mlp(mlp, *data())
    if activation == "prelu":
        assert {"alpha1", "alpha2"} <= set(errors)


@pytest.mark.parametrize("activation", ["relu", "tanh", "maxout"])
def test_gradient_check_with_batchnorm_dropout_and_weight_decay(activation):
    mlp = MLP(SIZES, activation=activation, init="he", batch_norm=True, dropout=0.3, weight_decay=0.1,
              seed=2, dtype=np.float64)
    errors = check_mlp(mlp, *data(3))
    assert {"gamma1", "beta1", "gamma2", "beta2"} <= set(errors)
    assert "b1" not in mlp.params  # β replaces the bias before batch norm


def test_params_and_grads_have_matching_keys_shapes_and_float32():
    mlp = MLP(activation="prelu", batch_norm=True)
    assert list(mlp.params) == list(mlp.grads)
    for k in mlp.params:
        assert mlp.params[k].shape == mlp.grads[k].shape
        assert mlp.params[k].dtype == mlp.grads[k].dtype == np.float32
    assert mlp.params["W1"].shape == (784, 100) and mlp.params["W5"].shape == (100, 10)
    assert mlp.params["alpha1"].shape == (100,) and np.all(mlp.params["alpha1"] == 0.25)
    logits = mlp.forward(np.zeros((3, 784), np.uint8), train=False)
    assert logits.dtype == np.float32 and logits.shape == (3, 10)


def test_maxout_doubles_the_linear_width():
    mlp = MLP((8, 6, 3), activation="maxout")
    assert mlp.params["W1"].shape == (8, 12) and mlp.params["W2"].shape == (6, 3)


def test_default_network_is_the_lectures():
    mlp = MLP()
    assert mlp.sizes == (784, 100, 100, 100, 100, 10)
    assert mlp.num_params == 784 * 100 + 3 * 100 * 100 + 100 * 10 + 4 * 100 + 10


@pytest.mark.parametrize("init,std", [("zeros", 0.0), ("small", 0.01), ("large", 1.0),
                                      ("xavier", 1 / np.sqrt(784)), ("he", np.sqrt(2 / 784))])
def test_initialisation_scale(init, std):
    w = MLP(init=init, bias_init=0.01).params
    assert w["W1"].std() == pytest.approx(std, rel=0.02, abs=1e-12)
    assert np.all(w["b1"] == np.float32(0.01))
    assert set(INITS) == {"zeros", "small", "large", "xavier", "he"}


def test_same_seed_same_weights_different_seed_different():
    a, b, c = MLP(seed=4), MLP(seed=4), MLP(seed=5)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_weight_decay_is_a_loss_term_on_weights_only():
    x, y = data()
    plain = MLP(SIZES, seed=0, dtype=np.float64)
    decayed = MLP(SIZES, seed=0, weight_decay=0.5, dtype=np.float64)
    loss0, g0 = plain.loss_and_grads(x, y)
    loss1, g1 = decayed.loss_and_grads(x, y)
    l2 = sum(np.sum(plain.params[k] ** 2) for k in ("W1", "W2", "W3"))
    assert loss1 == pytest.approx(loss0 + 0.25 * l2, rel=1e-12)
    np.testing.assert_allclose(g1["W2"], g0["W2"] + 0.5 * plain.params["W2"], rtol=1e-12)
    np.testing.assert_array_equal(g1["b2"], g0["b2"])


def test_optimizer_updates_in_place_are_seen_by_the_layers():
    mlp = MLP(SIZES, seed=0, dtype=np.float64)
    x, _ = data()
    before = mlp.forward(x).copy()
    mlp.params["W1"] *= 2.0
    assert not np.allclose(mlp.forward(x), before)
    mlp.set_params({"W1": mlp.params["W1"] / 2})
    np.testing.assert_allclose(mlp.forward(x), before)


def test_predictions_and_evaluation():
    mlp = MLP(SIZES, seed=0)
    x, y = data(n=5000)
    p = mlp.predict_proba(x)
    assert p.shape == (5000, 3) and np.allclose(p.sum(1), 1, atol=1e-5)
    np.testing.assert_array_equal(mlp.predict(x), p.argmax(1))
    loss, acc = mlp.evaluate(x, y)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(5000), y])), rel=1e-4)
    assert acc == pytest.approx(np.mean(p.argmax(1) == y))


def test_training_lowers_the_loss():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 6)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0)
    mlp = MLP(SIZES, seed=0, batch_norm=True)
    first = mlp.loss_and_grads(x, y)[0]
    for _ in range(300):
        _, grads = mlp.loss_and_grads(x, y)
        for k in mlp.params:
            mlp.params[k] -= 0.1 * grads[k]
    assert mlp.loss_and_grads(x, y)[0] < 0.3 * first


def test_bad_arguments_raise_value_errors():
    for kwargs in ({"activation": "swish"}, {"init": "kaiming"}, {"dropout": 1.0}, {"sizes": (3,)},
                   {"weight_decay": -1.0}, {"dtype": np.int32}):
        with pytest.raises(ValueError):
            MLP(**kwargs)


@pytest.mark.parametrize("method", ["sgd", "momentum", "adagrad", "rmsprop", "adam"])
def test_one_flat_buffer_holds_every_parameter_and_steps_like_the_arrays_one_by_one(method):
    from core.methods import make_optimizer

    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((16, 6)).astype(np.float32), rng.integers(0, 3, 16)
    flat, split = (MLP(SIZES, activation="prelu", batch_norm=True, seed=2) for _ in range(2))
    for mlp in (flat, split):  # every parameter and gradient lives in the flat buffers, 64-byte aligned
        for key in mlp.params:
            assert np.shares_memory(mlp.params[key], mlp.flat_params)
            assert np.shares_memory(mlp.grads[key], mlp.flat_grads)
            assert mlp.params[key].ctypes.data % 64 == 0
        assert mlp.flat_params.size >= mlp.num_params
    opt_flat, opt_split = make_optimizer(method, lr=0.05), make_optimizer(method, lr=0.05)
    with np.errstate(all="ignore"):
        for _ in range(5):
            flat.loss_and_grads(x, y)
            flat.optimizer_step(opt_flat)
            split.loss_and_grads(x, y)
            opt_split.step(split.params, split.grads)
    for key in flat.params:  # the same values to the last bit: every rule is elementwise
        assert flat.params[key].tobytes() == split.params[key].tobytes(), key
    assert flat.predict(x).tolist() == split.predict(x).tolist()


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_copied_network_keeps_its_flat_buffer_and_still_learns(how):
    import copy
    import pickle

    from core.methods import make_optimizer

    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((16, 6)).astype(np.float32), rng.integers(0, 3, 16)
    original = MLP(SIZES, seed=3)
    twin = pickle.loads(pickle.dumps(original)) if how == "pickle" else copy.deepcopy(original)
    for key in twin.params:
        assert np.shares_memory(twin.params[key], twin.flat_params)
        assert np.array_equal(twin.params[key], original.params[key])
    before = twin.params["W1"].copy()
    opt = make_optimizer("sgd", lr=0.1)
    twin.loss_and_grads(x, y)
    twin.optimizer_step(opt)
    assert not np.array_equal(twin.params["W1"], before)  # the layers' own arrays were the ones updated
    assert twin.layers[0].W is twin.params["W1"]


def test_an_optimizer_that_is_not_elementwise_steps_array_by_array():
    from core.optim import SGD

    class PerTensor(SGD):  # a plug-in that looks at whole tensors (say, per-tensor clipping)
        ELEMENTWISE = False

    mlp = MLP(SIZES, seed=3)
    opt = PerTensor(lr=0.1)
    mlp.loss_and_grads(np.ones((4, 6), np.float32), np.array([0, 1, 2, 0]))
    mlp.optimizer_step(opt)
    assert set(opt.state) == set(mlp.params)
