"""Data benchmarks (run by hand: .venv/bin/python tests/benchmarks/bench_data.py).

Bundled load time, per-batch preprocessing time, and the memory of full-size MNIST (60k + 10k, synthetic but
MNIST-like: the bundled digits tiled) read from IDX files — budget 150 MB, peak included.
"""
from __future__ import annotations

import tempfile
import time
import timeit
import tracemalloc
from pathlib import Path

import numpy as np
from report import emit

from core.data import Preprocessor, load_idx_folder, load_mnist, write_idx
from core.data.bundled import bundled_digits

BUDGET_MB = 150


def best(fn, repeat=5, number=1) -> float:
    return min(timeit.repeat(fn, repeat=repeat, number=number)) / number


def bench_bundled() -> None:
    def cold():
        bundled_digits.cache_clear()
        load_mnist()
    cold_s, warm_s = best(cold), best(load_mnist)
    print(f"load_mnist() bundled, cold (decompress + split): {cold_s * 1e3:7.1f} ms")
    print(f"load_mnist() bundled, warm (split only):         {warm_s * 1e3:7.1f} ms")
    emit("load_mnist bundled, cold", cold_s * 1e3, "ms")
    emit("load_mnist bundled, warm", warm_s * 1e3, "ms")


def bench_transform() -> None:
    ds = load_mnist()
    for mode, per_pixel in (("scale", True), ("center", True), ("standardize", True), ("standardize", False)):
        p = Preprocessor(mode, per_pixel=per_pixel).fit(ds.train_x)
        row = []
        for batch in (64, 256, 1024):
            x = ds.train_x[:batch]
            row.append(f"{batch:5d}: {best(lambda p=p, x=x: p.transform(x), repeat=7, number=200) * 1e6:7.1f} µs")
        print(f"transform {mode:11s} per_pixel={per_pixel!s:5s}  " + "  ".join(row))
    t = best(lambda: Preprocessor("standardize").fit(ds.train_x), repeat=3)
    print(f"Preprocessor('standardize').fit(8000 images): {t * 1e3:.1f} ms")


def bench_full_memory() -> None:
    images, labels = bundled_digits()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for gz in (".gz", ""):
            for f in folder.iterdir():
                f.unlink()
            write_idx(folder / f"train-images-idx3-ubyte{gz}", np.tile(images, (6, 1, 1)), compresslevel=6)
            write_idx(folder / f"train-labels-idx1-ubyte{gz}", np.tile(labels, 6), compresslevel=6)
            write_idx(folder / f"t10k-images-idx3-ubyte{gz}", images, compresslevel=6)
            write_idx(folder / f"t10k-labels-idx1-ubyte{gz}", labels, compresslevel=6)
            size = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
            tracemalloc.start()
            t0 = time.perf_counter()
            ds = load_idx_folder(folder)
            elapsed = time.perf_counter() - t0
            current, peak = (v / 2**20 for v in tracemalloc.get_traced_memory())
            tracemalloc.stop()
            arrays = sum(a.nbytes for a in (ds.train_x, ds.train_y, ds.val_x, ds.val_y)) / 2**20
            ok = "OK" if peak < BUDGET_MB else "OVER BUDGET"
            print(f"full-size ({'gzip' if gz else 'raw'}, {size:.1f} MB on disk): load {elapsed:.2f} s, "
                  f"arrays {arrays:.1f} MB, held {current:.1f} MB, peak {peak:.1f} MB "
                  f"(budget {BUDGET_MB} MB: {ok})")
            del ds
        ds = load_idx_folder(folder)
        tracemalloc.start()
        p = Preprocessor("standardize").fit(ds.train_x)
        batch = p.transform(ds.train_x[:256])
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"fit on 60k + one 256 batch: extra peak {peak:.1f} MB (batch {batch.nbytes / 2**10:.0f} KB float32)")


if __name__ == "__main__":
    bench_bundled()
    bench_transform()
    bench_full_memory()
