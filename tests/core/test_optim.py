"""core.optim reproduces torch.optim step by step (independent transcription of torch's pseudo-code; torch itself
if installed), keeps dtypes, updates in place, never touches gradients, and validates hyperparameters atomically."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from core.methods import BUILTIN, get_method, make_optimizer
from core.optim import SGD, Adagrad, Adam, HParamSpec, RMSprop

# What the GUI reads from the registry, per built-in first-order method.
METHODS = tuple(m.key for m in BUILTIN if m.first_order)
HPARAM_SPECS = {name: get_method(name).specs for name in METHODS}
EQUATIONS = {name: get_method(name).equation(values=False) for name in METHODS}
NOTES = {name: get_method(name).note for name in METHODS}


def equation(name, hparams=None):
    return get_method(name).equation(hparams)


STEPS = 50


# -- reference: torch's documented pseudo-code, written out plainly (float64, no in-place tricks) -----------------

def ref_sgd(theta, g, st, hp):
    g = -g if hp["maximize"] else g
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * theta
    if hp["momentum"] != 0:
        if "b" in st:
            st["b"] = hp["momentum"] * st["b"] + (1 - hp["dampening"]) * g
        else:
            st["b"] = g
        g = g + hp["momentum"] * st["b"] if hp["nesterov"] else st["b"]
    return theta - hp["lr"] * g


def ref_adagrad(theta, g, st, hp):
    st["t"] = t = st.get("t", 0) + 1
    st.setdefault("sum", np.full_like(theta, hp["initial_accumulator_value"]))
    g = -g if hp["maximize"] else g
    clr = hp["lr"] / (1 + (t - 1) * hp["lr_decay"])
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * theta
    st["sum"] = st["sum"] + g**2
    return theta - clr * g / (np.sqrt(st["sum"]) + hp["eps"])


def ref_rmsprop(theta, g, st, hp):
    a = hp["alpha"]
    g = -g if hp["maximize"] else g
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * theta
    st["v"] = a * st.get("v", 0.0) + (1 - a) * g**2
    v_tilde = st["v"]
    if hp["centered"]:
        st["gave"] = st.get("gave", 0.0) * a + (1 - a) * g
        v_tilde = v_tilde - st["gave"] ** 2
    if hp["momentum"] > 0:
        st["b"] = hp["momentum"] * st.get("b", 0.0) + g / (np.sqrt(v_tilde) + hp["eps"])
        return theta - hp["lr"] * st["b"]
    return theta - hp["lr"] * g / (np.sqrt(v_tilde) + hp["eps"])


def ref_adam(theta, g, st, hp):
    st["t"] = t = st.get("t", 0) + 1
    b1, b2 = hp["betas"]
    g = -g if hp["maximize"] else g
    if hp["weight_decay"] != 0:
        if hp["decoupled_weight_decay"]:
            theta = theta - hp["lr"] * hp["weight_decay"] * theta
        else:
            g = g + hp["weight_decay"] * theta
    st["m"] = b1 * st.get("m", 0.0) + (1 - b1) * g
    st["v"] = b2 * st.get("v", 0.0) + (1 - b2) * g**2
    m_hat = st["m"] / (1 - b1**t)
    if hp["amsgrad"]:
        st["vmax"] = np.maximum(st.get("vmax", 0.0), st["v"])
        v_hat = st["vmax"] / (1 - b2**t)
    else:
        v_hat = st["v"] / (1 - b2**t)
    return theta - hp["lr"] * m_hat / (np.sqrt(v_hat) + hp["eps"])


REFERENCE = {SGD: ref_sgd, Adagrad: ref_adagrad, RMSprop: ref_rmsprop, Adam: ref_adam}
TORCH_DEFAULTS = {
    SGD: dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False),
    Adagrad: dict(lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=False),
    RMSprop: dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False),
    Adam: dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False,
               decoupled_weight_decay=False),
}

# (class, hyperparameters, {step index: changes applied before that step}, torch can do the changes)
CASES = {
    "sgd": (SGD, dict(lr=0.05), {20: dict(lr=0.02)}, True),
    "sgd-momentum-on-midrun": (SGD, dict(lr=0.05), {15: dict(momentum=0.8)}, True),
    "momentum": (SGD, dict(lr=0.03, momentum=0.9), {20: dict(lr=0.01, momentum=0.5)}, True),
    "momentum-off-and-on": (SGD, dict(lr=0.03, momentum=0.9), {15: dict(momentum=0.0), 30: dict(momentum=0.7)}, True),
    "momentum-dampening": (SGD, dict(lr=0.03, momentum=0.9, dampening=0.5), {25: dict(dampening=0.1)}, True),
    "nesterov": (SGD, dict(lr=0.03, momentum=0.9, nesterov=True), {20: dict(lr=0.01, momentum=0.95)}, True),
    "nesterov-wd-maximize": (SGD, dict(lr=0.02, momentum=0.8, nesterov=True, weight_decay=0.1, maximize=True),
                             {30: dict(weight_decay=0.0)}, True),
    "sgd-wd": (SGD, dict(lr=0.04, momentum=0.5, weight_decay=0.2), {}, True),
    "adagrad": (Adagrad, dict(lr=0.3), {20: dict(lr=0.1)}, True),
    "adagrad-lr-decay": (Adagrad, dict(lr=0.3, lr_decay=0.1), {25: dict(lr_decay=0.3)}, True),
    "adagrad-init-accum": (Adagrad, dict(lr=0.2, initial_accumulator_value=0.5, eps=1e-3), {}, True),
    "adagrad-all": (Adagrad, dict(lr=0.2, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.1,
                                  maximize=True), {10: dict(maximize=False)}, True),
    "rmsprop": (RMSprop, dict(lr=0.01), {20: dict(lr=0.003, alpha=0.9)}, True),
    "rmsprop-centered": (RMSprop, dict(lr=0.01, centered=True), {25: dict(alpha=0.95)}, True),
    "rmsprop-momentum": (RMSprop, dict(lr=0.005, momentum=0.9), {20: dict(momentum=0.5, lr=0.002)}, True),
    "rmsprop-centered-momentum-wd": (RMSprop, dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.1,
                                                   maximize=True), {}, True),
    # torch raises KeyError when momentum / centered are switched on mid-run; here they start from zeros
    "rmsprop-switch-on-midrun": (RMSprop, dict(lr=0.01), {15: dict(momentum=0.6), 30: dict(centered=True)}, False),
    "adam": (Adam, dict(lr=0.05), {20: dict(lr=0.01, betas=(0.8, 0.99))}, True),
    "adam-amsgrad": (Adam, dict(lr=0.05, amsgrad=True), {25: dict(betas=(0.5, 0.9))}, True),
    "adam-l2": (Adam, dict(lr=0.05, weight_decay=0.1), {}, True),
    "adamw": (Adam, dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), {30: dict(lr=0.02)}, True),
    "adam-maximize-eps": (Adam, dict(lr=0.02, maximize=True, eps=1e-3, betas=(0.5, 0.9)), {}, True),
    "adam-amsgrad-on-midrun": (Adam, dict(lr=0.05), {20: dict(amsgrad=True)}, False),
}

SHAPES = {"W1": (4, 3), "b1": (3,), "scale": (), "W2": (2, 3, 2)}


def random_grads(seed):
    rng = np.random.default_rng(seed)
    seq = [{k: rng.normal(size=s) for k, s in SHAPES.items()} for _ in range(STEPS)]
    return lambda theta, t: seq[t]


def quadratic_grads(seed):
    """∇ of Σ ½ a·(θ − c)² per array, so the path feeds back into the gradients."""
    rng = np.random.default_rng(seed)
    a = {k: rng.uniform(0.1, 5.0, size=s) for k, s in SHAPES.items()}
    c = {k: rng.normal(size=s) for k, s in SHAPES.items()}
    return lambda theta, t: {k: np.asarray(a[k] * (theta[k] - c[k])) for k in SHAPES}


SOURCES = {"random-0": lambda: random_grads(0), "random-1": lambda: random_grads(1),
           "quadratic": lambda: quadratic_grads(2)}


def start(seed=3, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return {k: rng.normal(size=s).astype(dtype) for k, s in SHAPES.items()}


def reference_path(cls, hparams, schedule, source):
    hp = {**TORCH_DEFAULTS[cls], **hparams}
    theta = start()
    states = {k: {} for k in theta}
    path = []
    for t in range(STEPS):
        hp.update(schedule.get(t, {}))
        grads = source(theta, t)
        theta = {k: REFERENCE[cls](theta[k], grads[k], states[k], hp) for k in theta}
        path.append(theta)
    return path


def readonly(grads, dtype=None):
    out = {k: np.array(g, dtype=dtype) for k, g in grads.items()}
    for g in out.values():
        g.flags.writeable = False  # any write into an incoming gradient raises
    return out


def our_path(cls, hparams, schedule, source, dtype=np.float64):
    opt = cls(**hparams)
    params = start(dtype=dtype)
    arrays = dict(params)
    path = []
    for t in range(STEPS):
        if t in schedule:
            opt.set(**schedule[t])
        opt.step(params, readonly(source(params, t), dtype))
        assert all(params[k] is arrays[k] for k in arrays), "params must be updated in place"
        path.append({k: p.copy() for k, p in params.items()})
    return path, opt, params


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case", CASES)
def test_matches_torch_pseudocode_step_by_step(case, source):
    cls, hparams, schedule, _ = CASES[case]
    ref = reference_path(cls, hparams, schedule, SOURCES[source]())
    ours, _, _ = our_path(cls, hparams, schedule, SOURCES[source]())
    for t, (a, b) in enumerate(zip(ours, ref, strict=False)):
        for k in SHAPES:
            np.testing.assert_allclose(a[k], b[k], rtol=1e-10, atol=1e-12, err_msg=f"step {t + 1}, {k}")


@pytest.mark.parametrize("case", CASES)
def test_float32_params_stay_float32_and_track_the_float64_reference(case):
    cls, hparams, schedule, _ = CASES[case]
    ref = reference_path(cls, hparams, schedule, SOURCES["quadratic"]())
    ours, opt, params = our_path(cls, hparams, schedule, SOURCES["quadratic"](), dtype=np.float32)
    for k in SHAPES:
        assert params[k].dtype == np.float32
        np.testing.assert_allclose(ours[-1][k], ref[-1][k], rtol=1e-4, atol=1e-4)
    for k, st in opt.state.items():
        assert all(v.dtype == np.float32 for v in st.values() if isinstance(v, np.ndarray)), k
    for k, rec in opt.last.items():
        assert all(v.dtype == np.float32 for v in rec.values()), k


@pytest.mark.parametrize("name", METHODS)
def test_float64_gradients_into_float32_params_keep_float32(name):
    opt = make_optimizer(name, lr=0.1)
    params = {"w": np.ones((3, 2), np.float32)}
    opt.step(params, {"w": np.full((3, 2), 0.5)})
    assert params["w"].dtype == np.float32 and np.all(params["w"] < 1)


@pytest.mark.parametrize("case", [c for c in CASES if CASES[c][3]])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matches_torch_optim(case, dtype):
    torch = pytest.importorskip("torch")
    cls, hparams, schedule, _ = CASES[case]
    source = SOURCES["quadratic"]()
    tensors = {k: torch.tensor(v, dtype=getattr(torch, dtype)) for k, v in start(dtype=dtype).items()}
    topt = getattr(torch.optim, cls.__name__)(list(tensors.values()), **hparams)
    opt, params = cls(**hparams), start(dtype=dtype)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=2e-5, atol=2e-5)
    for t in range(STEPS):
        if t in schedule:
            opt.set(**schedule[t])
            topt.param_groups[0].update(schedule[t])
        grads = source({k: p.numpy() for k, p in tensors.items()}, t)
        for k, p in tensors.items():
            p.grad = torch.from_numpy(grads[k].astype(dtype))
        topt.step()
        opt.step(params, source(params, t))
        for k in SHAPES:
            np.testing.assert_allclose(params[k], tensors[k].numpy(), **tol, err_msg=f"step {t + 1}, {k}")


def test_torch_defaults_and_presets():
    assert SGD().hparams == dict(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                                 maximize=False)
    for cls in (Adagrad, RMSprop, Adam):
        assert cls().hparams == {**TORCH_DEFAULTS[cls]}
    assert list(METHODS) == ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
    assert make_optimizer("momentum").hparams["momentum"] == 0.9
    nesterov = make_optimizer("nesterov", lr=0.1)
    assert isinstance(nesterov, SGD) and nesterov.hparams["nesterov"] and nesterov.hparams["lr"] == 0.1
    assert make_optimizer("adam", beta2=0.99).hparams["betas"] == (0.9, 0.99)


# -- validation -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls, hparams, message", [
    (SGD, dict(lr=-1.0), "Invalid learning rate: -1.0"),
    (SGD, dict(momentum=-0.5), "Invalid momentum value: -0.5"),
    (SGD, dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    (SGD, dict(nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (SGD, dict(nesterov=True, momentum=0.9, dampening=0.1), "Nesterov momentum requires a momentum and zero"),
    (Adagrad, dict(lr_decay=-0.1), "Invalid lr_decay value: -0.1"),
    (Adagrad, dict(initial_accumulator_value=-1.0), "Invalid initial_accumulator_value value: -1.0"),
    (Adagrad, dict(eps=-1e-10), "Invalid epsilon value: -1e-10"),
    (RMSprop, dict(alpha=-0.9), "Invalid alpha value: -0.9"),
    (RMSprop, dict(momentum=-1.0), "Invalid momentum value: -1.0"),
    (Adam, dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (Adam, dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (Adam, dict(beta1=1.5), "Invalid beta parameter at index 0: 1.5"),
    (Adam, dict(beta2=1.0), "Invalid beta parameter at index 1: 1.0"),
    (Adam, dict(betas=0.9), "Invalid betas: 0.9"),
    (Adam, dict(betas=(0.9, 0.99), beta1=0.5), "either betas or beta1/beta2"),
    (Adam, dict(lr=float("nan")), "Invalid learning rate: nan"),
    (Adam, dict(lr=float("inf")), "Invalid learning rate: inf (lr must be finite)"),
    (SGD, dict(dampening=float("nan")), "Invalid dampening value: nan"),
    (RMSprop, dict(eps=float("inf")), "Invalid epsilon value: inf"),
    (SGD, dict(lr="fast"), "Invalid learning rate: 'fast' (lr must be a real number)"),
    (SGD, dict(lr=True), "Invalid learning rate: True"),
    (SGD, dict(nesterov=1), "Invalid nesterov value: 1 (must be True or False)"),
    (Adam, dict(momentum=0.9), "Unknown hyperparameter 'momentum' for Adam"),
    (SGD, dict(beta1=0.9), "Unknown hyperparameter 'beta1' for SGD"),
])
def test_invalid_hyperparameters_raise_clear_value_errors(cls, hparams, message):
    with pytest.raises(ValueError) as info:
        cls(**hparams)
    assert message in str(info.value)
    opt = cls()
    before = dict(opt.hparams)
    with pytest.raises(ValueError):
        opt.set(**hparams)
    assert opt.hparams == before


def test_make_optimizer_rejects_unknown_method():
    with pytest.raises(ValueError, match="Unknown method 'bfgs'"):
        make_optimizer("bfgs")
    with pytest.raises(ValueError, match="'newton' is not a first-order method"):
        make_optimizer("newton")


def test_set_is_atomic_and_keeps_state():
    opt = Adam(lr=0.1)
    params = {"xy": np.array([1.0, -2.0])}
    opt.step(params, {"xy": np.array([0.5, 0.25])})
    m = opt.state["xy"]["exp_avg"].copy()
    with pytest.raises(ValueError):
        opt.set(lr=0.5, beta1=0.5, eps=-1.0)
    assert opt.hparams["lr"] == 0.1 and opt.hparams["betas"] == (0.9, 0.999) and opt.hparams["eps"] == 1e-8
    opt.set(lr=0.5, beta1=0.5)
    assert opt.hparams["betas"] == (0.5, 0.999) and opt.defaults["lr"] == 0.1
    assert opt.hparams["beta1"] == 0.5 and opt.hparams["beta2"] == 0.999 and "beta1" not in list(opt.hparams)
    np.testing.assert_array_equal(opt.state["xy"]["exp_avg"], m)
    assert opt.state["xy"]["step"] == 1
    sgd = SGD(lr=0.1, momentum=0.9, nesterov=True)
    with pytest.raises(ValueError, match="Nesterov"):
        sgd.set(momentum=0.0)
    assert sgd.hparams["momentum"] == 0.9
    sgd.set(momentum=0.0, nesterov=False)
    assert sgd.hparams["momentum"] == 0.0


def test_hparams_are_read_only():
    opt = SGD()
    with pytest.raises(TypeError):
        opt.hparams["lr"] = -1.0


def test_new_learning_rate_applies_from_the_next_step():
    opt = SGD(lr=0.1)
    params = {"xy": np.array([1.0, 1.0])}
    opt.step(params, {"xy": np.array([1.0, 2.0])})
    np.testing.assert_allclose(params["xy"], [0.9, 0.8])
    opt.set(lr=0.5)
    np.testing.assert_allclose(opt.last["xy"]["effective_lr"], [0.1, 0.1])  # last describes the step taken
    opt.step(params, {"xy": np.array([1.0, 2.0])})
    np.testing.assert_allclose(params["xy"], [0.4, -0.2])


@pytest.mark.parametrize("params, grads, message", [
    ({"a": np.zeros(2)}, {"b": np.zeros(2)}, "no gradient for parameter 'a'"),
    ({"a": np.zeros(2)}, {"a": np.zeros(2), "b": np.zeros(2)}, "gradient for unknown parameter 'b'"),
    ({"a": np.zeros(2)}, {"a": np.zeros(3)}, "gradient for 'a' has shape (3,), parameter has (2,)"),
    ({"a": np.zeros(2, int)}, {"a": np.zeros(2)}, "parameter 'a' must be a writeable floating-point"),
    ({"a": [0.0, 1.0]}, {"a": np.zeros(2)}, "parameter 'a' must be a writeable floating-point"),
])
def test_bad_step_inputs_raise_and_change_nothing(params, grads, message):
    opt = Adam()
    good = np.ones(3)
    with pytest.raises(ValueError) as info:
        opt.step({"good": good, **params}, {"good": np.ones(3), **grads})
    assert message in str(info.value)
    np.testing.assert_array_equal(good, 1.0)
    assert opt.state == {} and opt.last == {}


def test_changed_parameter_shape_needs_reset_state():
    opt = Adam()
    opt.step({"w": np.ones(3)}, {"w": np.ones(3)})
    with pytest.raises(ValueError, match="reset_state"):
        opt.step({"w": np.ones(4)}, {"w": np.ones(4)})
    opt.reset_state()
    assert opt.state == {} and opt.last == {}
    opt.step({"w": np.ones(4)}, {"w": np.ones(4)})
    assert opt.state["w"]["step"] == 1


# -- state and last -----------------------------------------------------------------------------------------------

def test_sgd_momentum_starts_from_the_first_gradient_without_dampening():
    opt = SGD(lr=0.1, momentum=0.9, dampening=0.5)
    params, g = {"xy": np.array([1.0, 2.0])}, np.array([0.3, -0.4])
    opt.step(params, {"xy": g})
    np.testing.assert_array_equal(opt.state["xy"]["momentum_buffer"], g)
    opt.step(params, {"xy": g})
    np.testing.assert_allclose(opt.state["xy"]["momentum_buffer"], 0.9 * g + 0.5 * g)
    np.testing.assert_allclose(opt.last["xy"]["velocity"], 1.4 * g)


def test_nesterov_last_splits_the_step_into_lookahead_and_gradient():
    opt = SGD(lr=0.1, momentum=0.9, nesterov=True)
    params = {"xy": np.array([1.0, 2.0])}
    for g in ([0.3, -0.4], [0.1, 0.2]):
        before = params["xy"].copy()
        opt.step(params, {"xy": np.array(g)})
    last, b = opt.last["xy"], opt.state["xy"]["momentum_buffer"]
    np.testing.assert_allclose(last["lookahead_update"], -0.1 * 0.9 * b)
    np.testing.assert_allclose(last["update"] - last["lookahead_update"], -0.1 * np.array([0.1, 0.2]))
    np.testing.assert_allclose(last["update"], params["xy"] - before)


def test_weight_decay_and_maximize_show_in_last_grad_not_in_the_callers_array():
    opt = SGD(lr=0.1, weight_decay=0.5, maximize=True)
    params, g = {"xy": np.array([1.0, 2.0])}, np.array([0.3, -0.4])
    opt.step(params, {"xy": g})
    np.testing.assert_allclose(opt.last["xy"]["grad"], -g + 0.5 * np.array([1.0, 2.0]))
    np.testing.assert_array_equal(g, [0.3, -0.4])


def test_adam_last_holds_bias_corrected_moments_and_effective_lr():
    opt = Adam(lr=0.1, betas=(0.8, 0.9))
    params = {"w": np.array([[1.0, -2.0], [0.5, 3.0]])}
    rng = np.random.default_rng(0)
    for _ in range(3):
        before = params["w"].copy()
        opt.step(params, {"w": rng.normal(size=(2, 2))})
    st, last = opt.state["w"], opt.last["w"]
    assert st["step"] == 3
    np.testing.assert_allclose(last["m_hat"], st["exp_avg"] / (1 - 0.8**3))
    np.testing.assert_allclose(last["v_hat"], st["exp_avg_sq"] / (1 - 0.9**3))
    np.testing.assert_allclose(last["effective_lr"], 0.1 / (np.sqrt(last["v_hat"]) + 1e-8))
    np.testing.assert_allclose(last["update"], -last["effective_lr"] * last["m_hat"])
    np.testing.assert_allclose(last["update"], params["w"] - before)
    np.testing.assert_array_equal(last["m"], st["exp_avg"])
    np.testing.assert_array_equal(last["v"], st["exp_avg_sq"])


def test_adam_amsgrad_divides_by_the_running_maximum():
    opt = Adam(lr=0.1, amsgrad=True)
    params = {"xy": np.zeros(2)}
    opt.step(params, {"xy": np.array([3.0, 1.0])})
    opt.step(params, {"xy": np.array([0.0, 2.0])})
    st = opt.state["xy"]
    np.testing.assert_allclose(st["exp_avg_sq"], [0.999 * 0.009, 0.999 * 0.001 + 0.004])
    np.testing.assert_allclose(st["max_exp_avg_sq"], [0.009, 0.999 * 0.001 + 0.004])
    np.testing.assert_allclose(opt.last["xy"]["v_hat"], st["max_exp_avg_sq"] / (1 - 0.999**2))


def test_adagrad_effective_lr_shrinks_with_the_sum_and_lr_decay():
    opt = Adagrad(lr=1.0, lr_decay=0.5, initial_accumulator_value=0.25)
    params = {"xy": np.zeros(2)}
    effective = []
    for _ in range(4):
        opt.step(params, {"xy": np.array([1.0, 0.0])})
        effective.append(opt.last["xy"]["effective_lr"])
    assert opt.state["xy"]["step"] == 4
    np.testing.assert_allclose(opt.state["xy"]["sum"], [4.25, 0.25])
    np.testing.assert_allclose(effective[-1], (1.0 / (1 + 3 * 0.5)) / (np.sqrt([4.25, 0.25]) + 1e-10))
    assert all(a[0] > b[0] for a, b in itertools.pairwise(effective))
    np.testing.assert_array_equal(opt.last["xy"]["accum"], opt.state["xy"]["sum"])


def test_rmsprop_last_holds_square_avg_grad_avg_and_velocity():
    opt = RMSprop(lr=0.01, centered=True, momentum=0.5, alpha=0.9)
    params = {"xy": np.zeros(2)}
    for g in ([1.0, -2.0], [0.5, 1.0]):
        opt.step(params, {"xy": np.array(g)})
    st, last = opt.state["xy"], opt.last["xy"]
    np.testing.assert_allclose(st["square_avg"], 0.9 * 0.1 * np.array([1.0, 4.0]) + 0.1 * np.array([0.25, 1.0]))
    np.testing.assert_allclose(st["grad_avg"], 0.9 * 0.1 * np.array([1.0, -2.0]) + 0.1 * np.array([0.5, 1.0]))
    np.testing.assert_array_equal(last["accum"], st["square_avg"])
    np.testing.assert_array_equal(last["grad_avg"], st["grad_avg"])
    np.testing.assert_array_equal(last["velocity"], st["momentum_buffer"])
    np.testing.assert_allclose(last["effective_lr"], 0.01 / (np.sqrt(st["square_avg"] - st["grad_avg"] ** 2) + 1e-8))
    np.testing.assert_allclose(last["update"], -0.01 * st["momentum_buffer"])


@pytest.mark.parametrize("case", CASES)
def test_last_update_is_the_parameter_change_and_last_is_a_copy(case):
    cls, hparams, _schedule, _ = CASES[case]
    opt, params = cls(**hparams), start()
    source = SOURCES["random-0"]()
    for t in range(5):
        before = {k: p.copy() for k, p in params.items()}
        opt.step(params, source(params, t))
        for k in params:
            np.testing.assert_allclose(opt.last[k]["update"], params[k] - before[k], rtol=1e-12, atol=1e-15)
            assert opt.last[k]["grad"].shape == params[k].shape
    saved = {k: {n: np.copy(a) for n, a in st.items()} for k, st in opt.state.items()}
    for rec in opt.last.values():
        for a in rec.values():
            assert isinstance(a, np.ndarray)
            a[...] = 123.0
    for k, st in opt.state.items():
        for n, a in st.items():
            np.testing.assert_array_equal(a, saved[k][n])


def test_an_old_last_refuses_to_describe_a_newer_step():
    opt = SGD(lr=0.1)
    params = {"a": np.zeros(2), "b": np.zeros(3)}
    opt.step(params, {"a": np.ones(2), "b": np.ones(3)})
    old = opt.last
    kept = old["a"]
    opt.step(params, {"a": np.ones(2), "b": np.ones(3)})
    np.testing.assert_allclose(kept["update"], -0.1)  # records already read stay valid copies
    with pytest.raises(RuntimeError, match="older step"):
        old["b"]
    opt.reset_state()
    opt.step(params, {"a": np.ones(2), "b": np.ones(3)})
    with pytest.raises(RuntimeError, match="older step"):
        old["b"]
    assert list(opt.last) == ["a", "b"] and opt.last is opt.last


def test_divergence_is_silent_nan_and_inf():
    opt = SGD(lr=10.0)
    params = {"xy": np.array([1e300, 1.0])}
    with np.errstate(all="raise"):
        opt.step(params, {"xy": np.array([1e308, np.nan])})
    assert np.isinf(params["xy"][0]) and np.isnan(params["xy"][1])


# -- metadata for the GUI -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", METHODS)
def test_specs_match_the_presets_and_are_accepted_by_set(name):
    specs = HPARAM_SPECS[name]
    assert specs[0].name == "lr" and specs[0].log and (specs[0].min, specs[0].max) == (1e-5, 10.0)
    opt = make_optimizer(name)
    hp = dict(opt.hparams)
    if "betas" in hp:
        hp["beta1"], hp["beta2"] = hp.pop("betas")
    # dampening must stay 0 under Nesterov, so the nesterov preset does not offer it
    assert {s.name for s in specs} == set(hp) - ({"dampening"} if name == "nesterov" else set())
    for spec in specs:
        assert isinstance(spec, HParamSpec) and spec.label and spec.help
        assert spec.default == hp[spec.name] == opt.hparams[spec.name], spec.name
        if spec.kind == "bool":
            assert spec.min is None and spec.max is None
            continue
        assert spec.kind == "float" and spec.min <= spec.default <= spec.max
        assert not spec.log or spec.min > 0
        for value in (spec.min, spec.max):
            make_optimizer(name).set(**{spec.name: value})
    momentum = {s.name: s for s in specs}.get("momentum")
    if momentum is not None:
        assert momentum.max == 0.999


@pytest.mark.parametrize("name", METHODS)
def test_equations_and_notes(name):
    assert "θ ← θ − γ" in EQUATIONS[name] and "∇f(θ)" in EQUATIONS[name]
    assert len(NOTES[name]) > 40
    filled = equation(name, {"lr": 0.25, "weight_decay": 0.5})
    assert "0.25" in filled and "g ← g + 0.5·θ" in filled and "γ" not in filled.replace("γ̃", "")


def test_equation_shows_the_options_in_use():
    assert "0.9·b + g" in equation("momentum") and "(g + 0.9·b)" in equation("nesterov")
    assert "β₁·m + (1 − β₁)·g" in EQUATIONS["adam"]
    adam = equation("adam", {"beta1": 0.8, "amsgrad": True, "decoupled_weight_decay": True, "weight_decay": 0.1})
    assert "0.8·m + 0.2·g" in adam and "vᵐᵃˣ" in adam and "θ ← θ − 0.0001·θ" in adam and "g ← g +" not in adam
    assert "√(v − ḡ²)" in equation("rmsprop", {"centered": True})
    assert "−∇f(θ)" in equation("sgd", {"maximize": True})
    assert "γ̃ ← 0.01 / (1 + (t − 1)·0.1)" in equation("adagrad", {"lr_decay": 0.1})
    with pytest.raises(ValueError, match="Invalid learning rate"):
        equation("adam", {"lr": -1})


def test_public_names_reach_core_namespace():
    import core

    assert core.make_optimizer is make_optimizer and core.Adam is Adam and math.isclose(core.SGD().hparams["lr"], 1e-3)
