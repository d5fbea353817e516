"""Descent Lab's Qt GUI. It shows what core/ computes and computes no math of its own."""
import os
from pathlib import Path

# One BLAS thread: the GUI and the training worker already share two cores, and a multi-threaded OpenBLAS
# spends more time synchronising on the MLP's small matrices than computing (measured 7-45x slower on 2 cores).
# Set before numpy loads; a user's own setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ASSETS = Path(__file__).resolve().parent  # the icon ships inside the package (package data)
