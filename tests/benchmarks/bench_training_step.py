"""One training step against its own matmuls, and the lecture's race against the same race in PyTorch (1 thread).

    .venv/bin/python tests/benchmarks/bench_training_step.py [--quick]
    PYTHONPATH=OLD_TREE .venv/bin/python tests/benchmarks/bench_training_step.py --quick   # another checkout

* step / matmuls: the matrix products one update of the 784-100-100-100-100-10 network does (forward x·W,
  backward xᵀ·δ and δ·Wᵀ), timed alone on the same shapes and minibatches, divided by the time of the whole update
  (loss, gradients and the optimizer step). 1.0 would mean everything else is free; the rest is the elementwise
  work in numpy.
* race's matmuls: the matrix products of that race alone (every update's, and every evaluation's forward
  products on the validation digits and the training subset), on the same shapes, each racer with arrays of its
  own: what the race would take if everything else were free, so PyTorch's time over it is the most any numpy
  code could reach here (with this kernel).
* race vs PyTorch: SGD, Momentum, AdaGrad and Adam train the same network from the same weights on the same
  minibatches, in lockstep, evaluated every 100 updates on the same 2,000 validation digits and training subset:
  core.training.Race against a transcription of it in torch (torch.optim, float32), both on one thread,
  alternated in one run; only the training loops are timed (data and networks are prepared before).

The OpenBLAS kernel decides the matmuls' speed: the header names it, and every JSON line carries it. An environment
may force an older one (OPENBLAS_CORETYPE=Haswell on an AVX-512 machine runs sgemm at 0.6× its own kernel's
speed); for the CPU's own, run `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python ...`.

Needs torch for the race (pip install torch==2.13.0, the CPU wheel). Best of alternated blocks (background load
only ever slows a trial down), with the median beside it.
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time

import numpy as np
from report import emit, kernel_note

from core.data import load_mnist
from core.methods import make_optimizer
from core.nn import MLP, set_blas_threads
from core.training import TrainConfig
from core.training.feed import Feed
from core.training.race import Race

SIZES = (784, 100, 100, 100, 100, 10)
BATCH = 128
RACE = [{"name": "sgd", "lr": 0.1}, {"name": "momentum", "lr": 0.01}, {"name": "adagrad", "lr": 0.01},
        {"name": "adam", "lr": 1e-3}]


def forward_products(x, weights, acts) -> None:
    """x·W layer by layer, each into its buffer of `acts` (the next layer's input)."""
    for w, out in zip(weights, acts, strict=True):
        np.dot(x, w, out=out)
        x = out


def update_products(x, weights, acts, dws, dxs) -> None:
    """The matrix products of one update from minibatch x: forward x·W, backward xᵀ·δ and δ·Wᵀ (none for the
    first layer, as core.nn skips it); the activations' buffers stand in for the δs (same shapes)."""
    forward_products(x, weights, acts)
    ins = [x, *acts[:-1]]
    for i in reversed(range(len(weights))):
        np.dot(ins[i].T, acts[i], out=dws[i])
        if i:
            np.dot(acts[i], weights[i].T, out=dxs[i])


def best_and_median(trials, rounds: int) -> dict[str, tuple[float, float]]:
    """Seconds per call of each trial: alternated blocks, best and median."""
    samples = {name: [] for name in trials}
    for trial in trials.values():
        trial()
    for _ in range(rounds):
        for name, trial in trials.items():
            samples[name] += [trial() for _ in range(5)]
    return {name: (min(s), statistics.median(s)) for name, s in samples.items()}


def step_against_matmuls(rounds: int) -> None:
    feed = Feed(load_mnist(), BATCH)
    data = [feed.batch(t) for t in range(20)]
    mlp = MLP(SIZES, activation="relu", init="he")
    weights = [mlp.params[k] for k in mlp.weight_keys]
    acts = [np.empty((BATCH, w.shape[1]), np.float32) for w in weights]
    inputs = [np.asarray(x, np.float32) for x, _y in data]
    dws = [np.empty_like(w) for w in weights]
    dxs = [np.empty((BATCH, w.shape[0]), np.float32) for w in weights]

    def matmuls():  # on the same minibatches as the steps (one batch over and over is some 10 % faster: cached)
        start = time.perf_counter()
        for x in inputs:
            update_products(x, weights, acts, dws, dxs)
        return (time.perf_counter() - start) / len(inputs)

    def steps(method, hp):
        opt = make_optimizer(method, **hp)
        update = getattr(mlp, "optimizer_step", None) or (lambda o: o.step(mlp.params, mlp.grads))  # an old tree

        def trial():
            start = time.perf_counter()
            for x, y in data:
                mlp.loss_and_grads(x, y)
                update(opt)
            return (time.perf_counter() - start) / len(data)
        return trial

    timed = best_and_median({"matmuls": matmuls, "SGD step": steps("sgd", {"lr": 0.01}),
                             "Adam step": steps("adam", {"lr": 1e-4})}, rounds)
    base = timed["matmuls"][0]
    print(f"matmuls of one update: {base * 1e3:.3f} ms (median {timed['matmuls'][1] * 1e3:.3f})")
    for name in ("SGD step", "Adam step"):
        best, median = timed[name]
        print(f"{name}: {best * 1e3:.3f} ms, matmuls / step = {base / best:.2f} (median {median * 1e3:.3f} ms)")
        emit(f"training {name}: matmuls / step", base / best, "ratio", value_ms=best * 1e3, matmuls_ms=base * 1e3)


def torch_race(dataset, iterations: int, eval_every: int):
    """The same race in PyTorch: a trial trains all four from our initial weights on our minibatches."""
    import torch
    torch.set_num_threads(1)
    feed = Feed(dataset, BATCH)
    batches = [(torch.from_numpy(np.ascontiguousarray(x, np.float32)), torch.from_numpy(y.astype(np.int64)))
               for x, y in (feed.batch(t) for t in range(iterations))]
    def tensors(pair):
        x, y = pair
        return torch.from_numpy(np.array(x, np.float32)), torch.from_numpy(y.astype(np.int64))
    checks = [tensors(feed.val), tensors(feed.train_subset)]  # what Trainer.evaluate measures
    mlp = MLP(SIZES, activation="relu", init="he")

    def network():
        layers = []
        for i in range(1, len(SIZES)):
            linear = torch.nn.Linear(SIZES[i - 1], SIZES[i])
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(mlp.params[f"W{i}"].T.copy()))
                linear.bias.copy_(torch.from_numpy(mlp.params[f"b{i}"].copy()))
            layers += [linear, torch.nn.ReLU()]
        return torch.nn.Sequential(*layers[:-1])

    def make(entry, params):
        lr = entry["lr"]
        return {"sgd": lambda: torch.optim.SGD(params, lr=lr),
                "momentum": lambda: torch.optim.SGD(params, lr=lr, momentum=0.9),
                "adagrad": lambda: torch.optim.Adagrad(params, lr=lr),
                "adam": lambda: torch.optim.Adam(params, lr=lr)}[entry["name"]]()

    loss_fn = torch.nn.CrossEntropyLoss()

    def trial():
        nets = [network() for _ in RACE]
        opts = [make(entry, net.parameters()) for entry, net in zip(RACE, nets, strict=True)]
        accs = []
        start = time.perf_counter()
        for t, (x, y) in enumerate(batches, start=1):
            for net, opt in zip(nets, opts, strict=True):
                opt.zero_grad()
                loss_fn(net(x), y).backward()
                opt.step()
                if t % eval_every == 0:
                    with torch.no_grad():
                        for cx, cy in checks:
                            logits = net(cx)
                            loss_fn(logits, cy)
                            accs.append(float((logits.argmax(1) == cy).float().mean()))
        return time.perf_counter() - start, accs[-2 * len(RACE)::2]
    return trial


def our_race(dataset, iterations: int, eval_every: int):
    config = TrainConfig(iterations=iterations, eval_every=eval_every)

    def trial():
        race = Race(dataset, RACE, config)  # the data prepared and the networks built, untimed (as for torch)
        start = time.perf_counter()
        while not race.done:
            race.step()
        return time.perf_counter() - start, [run.final_val_acc for run in race.results().values()]
    return trial


def race_matmuls(dataset, iterations: int, eval_every: int):
    """A trial times the race's matrix products alone: per racer and update those of `update_products`, and
    every `eval_every` updates the forward products on the validation digits and the training subset; real
    digits, float32, the same shapes, each racer with weights and gradients of its own (four networks do not stay
    in cache together: one shared set of arrays is some 8 % faster)."""
    feed = Feed(dataset, BATCH)
    rng = np.random.default_rng(0)
    batches = [np.ascontiguousarray(feed.batch(t)[0], np.float32) for t in range(min(iterations, 50))]
    checks = [np.ascontiguousarray(feed.val[0], np.float32), np.ascontiguousarray(feed.train_subset[0], np.float32)]

    def racer():
        weights = [rng.standard_normal((a, b)).astype(np.float32) * np.float32(0.05)
                   for a, b in itertools.pairwise(SIZES)]

        def buffers(rows):
            return [np.empty((rows, w.shape[1]), np.float32) for w in weights]
        return {"weights": weights, "acts": buffers(BATCH), "checks": {len(c): buffers(len(c)) for c in checks},
                "dws": [np.empty_like(w) for w in weights],
                "dxs": [np.empty((BATCH, w.shape[0]), np.float32) for w in weights]}
    racers = [racer() for _ in RACE]

    def trial():
        start = time.perf_counter()
        for t in range(1, iterations + 1):
            x = batches[t % len(batches)]
            for r in racers:
                update_products(x, r["weights"], r["acts"], r["dws"], r["dxs"])
                if t % eval_every == 0:
                    for c in checks:
                        forward_products(c, r["weights"], r["checks"][len(c)])
        return time.perf_counter() - start, None
    return trial


def race_against_torch(rounds: int, iterations: int) -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch not installed: the race against PyTorch is skipped (pip install torch==2.13.0)")
        return
    dataset = load_mnist()
    trials = {"ours": our_race(dataset, iterations, 100), "PyTorch": torch_race(dataset, iterations, 100),
              "our matmuls": race_matmuls(dataset, iterations, 100)}
    seconds = {name: [] for name in trials}
    accs = {}
    for _ in range(rounds):
        for name, trial in trials.items():
            time.sleep(0.5)  # OpenMP and OpenBLAS workers spin after their last call: let them settle
            took, acc = trial()
            seconds[name].append(took)
            if acc is not None:
                accs[name] = acc
    ours, theirs = min(seconds["ours"]), min(seconds["PyTorch"])
    print(f"race of four, {iterations} updates each, 1 thread: ours {ours:.2f} s (median "
          f"{statistics.median(seconds['ours']):.2f}), PyTorch {theirs:.2f} s (median "
          f"{statistics.median(seconds['PyTorch']):.2f}): {theirs / ours:.2f}× faster")
    print("final validation accuracy, ours / PyTorch:",
          ", ".join(f"{e['name']} {a:.3f}/{b:.3f}" for e, a, b in zip(RACE, accs["ours"], accs["PyTorch"],
                                                                       strict=True)))
    products = min(seconds["our matmuls"])
    print(f"its matrix products alone (numpy, the same shapes): {products:.2f} s: PyTorch / them = "
          f"{theirs / products:.2f}×, the most numpy could reach here; everything else in ours: "
          f"{ours - products:.2f} s (1.7× would leave {theirs / 1.7 - products:.2f} s for it)")
    emit("lecture race of four vs PyTorch CPU (1 thread)", ours, "s", peer="PyTorch", peer_value=theirs,
         ratio=theirs / ours)
    emit("lecture race: its matrix products alone vs PyTorch CPU (the ceiling)", products, "s", peer="PyTorch",
         peer_value=theirs, ratio=theirs / products, rest_s=ours - products)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    set_blas_threads(1)
    print(kernel_note())
    step_against_matmuls(2 if args.quick else 6)
    race_against_torch(2 if args.quick else 3, 300 if args.quick else 1000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
