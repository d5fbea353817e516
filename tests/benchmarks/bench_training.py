"""Training speed: our numpy MLP against PyTorch CPU on the same network, the lecture's race, time to 95 %.

Run by hand: .venv/bin/python tests/benchmarks/bench_training.py [--quick]
Needs torch for the comparison (pip install torch==2.13.0, the CPU wheel); without it those rows are skipped.
Contenders run in alternating blocks of short trials; the best trial is reported (as timeit does: background
load only ever slows a trial down), with the median next to it.
"""
from __future__ import annotations

import argparse
import itertools
import os
import re
import statistics
import sys
import time

import numpy as np
from report import emit, kernel_note

from core.data import load_mnist
from core.methods import make_optimizer
from core.nn import MLP, blas_threads, set_blas_threads
from core.training import TrainConfig, Trainer, race
from core.training.feed import Feed

SIZES = (784, 100, 100, 100, 100, 10)
BATCH = 128
BLOCK = 10  # trials per block
OPTIMIZERS = {"SGD momentum": ("momentum", {"lr": 0.01}), "Adam": ("adam", {"lr": 1e-3})}


def batches(feed: Feed, n: int):
    """n minibatches as float32 arrays prepared up front: both libraries then time only the training step."""
    return [feed.batch(t) for t in range(n)]


def ours(data, method, hparams, iterations, threads=None):
    mlp = MLP(SIZES, activation="relu", init="he")
    opt = make_optimizer(method, **hparams)

    def trial():
        before = blas_threads()
        if threads and before:
            set_blas_threads(threads)
        try:
            start = time.perf_counter()
            for x, y in data[:iterations]:
                _, grads = mlp.loss_and_grads(x, y)
                opt.step(mlp.params, grads)
            return iterations * BATCH / (time.perf_counter() - start)
        finally:
            if threads and before:
                set_blas_threads(before)
    return trial


def ours_trainer(dataset, method, hparams, iterations):
    """The full Trainer.step (batch preparation, bookkeeping, no evaluation) as the GUI drives it."""
    trainer = Trainer(dataset, TrainConfig(optimizer=method, hparams=hparams, iterations=10 ** 9,
                                           eval_every=10 ** 9))

    def trial():
        start = time.perf_counter()
        for _ in range(iterations):
            trainer.step()
        return iterations * BATCH / (time.perf_counter() - start)
    return trial


def theirs(data, method, hparams, iterations):
    import torch
    torch.set_num_threads(2)
    torch.manual_seed(0)
    layers = []
    for a, b in itertools.pairwise(SIZES):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    if method == "momentum":
        opt = torch.optim.SGD(net.parameters(), lr=hparams["lr"], momentum=0.9)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=hparams["lr"])
    loss_fn = torch.nn.CrossEntropyLoss()
    tdata = [(torch.from_numpy(np.array(x)), torch.from_numpy(y.astype(np.int64))) for x, y in data]

    def trial():
        start = time.perf_counter()
        for x, y in tdata[:iterations]:
            opt.zero_grad()
            loss_fn(net(x), y).backward()
            opt.step()
        return iterations * BATCH / (time.perf_counter() - start)
    return trial


def throughput(dataset, iterations, rounds):
    feed = Feed(dataset, BATCH)
    data = batches(feed, iterations)
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
        print("torch not installed: PyTorch rows skipped (pip install torch==2.13.0)")
    rows = []
    for label, (method, hp) in OPTIMIZERS.items():
        contenders = {f"numpy MLP ({blas_threads() or '?'} BLAS threads)": ours(data, method, hp, iterations),
                      "numpy MLP (1 BLAS thread)": ours(data, method, hp, iterations, threads=1),
                      "numpy Trainer.step (data, bookkeeping)": ours_trainer(dataset, method, hp, iterations)}
        if have_torch:
            contenders["PyTorch CPU, 2 threads"] = theirs(data, method, hp, iterations)
        for trial in contenders.values():
            trial()  # warm up: buffers, BLAS threads, torch's allocator
        samples = {name: [] for name in contenders}
        for _ in range(rounds):
            for name, trial in contenders.items():
                # OpenMP (torch) and OpenBLAS (numpy) worker threads spin for a while after their last call and
                # would steal the cores from whoever runs next: pause, and discard the block's first trial.
                time.sleep(0.5)
                trial()
                samples[name] += [trial() for _ in range(BLOCK)]
        best = {name: max(s) for name, s in samples.items()}
        base = best.get("PyTorch CPU, 2 threads")
        for name, value in best.items():
            ratio = f"{value / base:.2f}×" if base else "–"
            median = statistics.median(samples[name])
            rows.append((f"{label}: {name}", f"{value:,.0f} examples/s", f"{ratio}   (median {median:,.0f})"))
    return rows


def lecture_race(dataset, iterations):
    optimizers = [{"name": "sgd", "lr": 0.1}, {"name": "momentum", "lr": 0.01}, {"name": "adagrad", "lr": 0.01},
                  {"name": "adam", "lr": 1e-3}]
    start = time.perf_counter()
    runs = race(dataset, optimizers, iterations=iterations, eval_every=100)
    seconds = time.perf_counter() - start
    accs = ", ".join(f"{name} {run.final_val_acc:.3f}" for name, run in runs.items())
    return [(f"race SGD/Momentum/AdaGrad/Adam, {iterations} iterations (eval every 100)", f"{seconds:.2f} s",
             f"val acc: {accs}")]


def time_to_95(dataset, limit):
    trainer = Trainer(dataset, TrainConfig(optimizer="adam", iterations=limit, eval_every=50))
    start = time.perf_counter()
    while not trainer.done:
        result = trainer.step()
        if result.eval and result.eval.val_acc >= 0.95:
            seconds = time.perf_counter() - start
            return [("Adam (lr 1e-3) to 95 % validation accuracy (eval every 50)", f"{seconds:.2f} s",
                     f"iteration {result.iteration}, epoch {result.epoch:.1f}")]
    return [("Adam (lr 1e-3) to 95 % validation accuracy", "not reached", f"in {limit} iterations")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and iterations")
    args = parser.parse_args(argv)
    rounds, iterations = (2, 10) if args.quick else (6, 10)
    dataset = load_mnist()
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, load average {os.getloadavg()[0]:.2f}")
    print(kernel_note())
    print(f"network {'-'.join(map(str, SIZES))} ReLU, He init, batch {BATCH}, float32, bundled digits")
    rows = throughput(dataset, iterations, rounds)
    rows += lecture_race(dataset, 500 if args.quick else 2000)
    rows += time_to_95(dataset, 5000)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'benchmark':<{width}}  {'result':>22}  vs PyTorch / notes")
    print("-" * (width + 50))
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>22}  {note}")
    for name, value, note in rows:  # the same figures as JSON lines: the number that leads each result
        number = re.search(r"[-+]?[0-9][0-9,]*\.?[0-9]*(?:e[-+]?[0-9]+)?", str(value))
        if number:
            emit(name, float(number.group().replace(",", "")), str(value)[number.end():].strip() or "", note=note)


if __name__ == "__main__":
    sys.exit(main())
