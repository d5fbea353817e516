"""How many threads numpy's OpenBLAS may use, set at run time (what threadpoolctl does, without the dependency),
and which of its kernels runs.

Two BLAS threads speed up this MLP by about 1.4× on an idle two-core machine, but when another busy thread
shares the cores (a GUI redrawing, a second process) OpenBLAS's threads wait for each other and a training
step can get 10–50× slower. One thread degrades gracefully. Apps decide; nothing here runs on import.
"""
from __future__ import annotations

import ctypes
import glob
import os

import numpy as np

__all__ = ["blas_kernel", "blas_threads", "set_blas_threads"]

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads64_",
            "openblas_set_num_threads")
_GETTERS = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads", "openblas_get_num_threads64_",
            "openblas_get_num_threads")
_CORENAMES = ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename64_",
              "openblas_get_corename")
_lib: ctypes.CDLL | bool | None = False  # False: not looked up yet; None: no OpenBLAS found


def _candidates() -> list[str]:
    """OpenBLAS libraries this process has loaded (Linux), else the ones bundled with the numpy wheel."""
    found = []
    try:
        with open("/proc/self/maps") as maps:
            found = sorted({line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line})
    except OSError:
        pass
    root = os.path.dirname(os.path.dirname(np.__file__))
    for folder in ("numpy.libs", os.path.join("numpy", ".dylibs")):
        found += glob.glob(os.path.join(root, folder, "*openblas*"))
    return found


def _openblas() -> ctypes.CDLL | None:
    global _lib
    if _lib is False:
        _lib = None
        for path in _candidates():
            try:
                lib = ctypes.CDLL(path)  # already loaded by numpy: this returns the same library
            except OSError:
                continue
            if any(hasattr(lib, name) for name in _SETTERS):
                _lib = lib
                break
    return _lib


def _function(names):
    """The first of `names` that numpy's OpenBLAS exports (their names differ between builds), or None."""
    lib = _openblas()
    return next((getattr(lib, name) for name in names if hasattr(lib, name)), None) if lib is not None else None


def blas_threads() -> int | None:
    """Threads OpenBLAS uses now (None when numpy does not use OpenBLAS, e.g. Accelerate or MKL)."""
    getter = _function(_GETTERS)
    return None if getter is None else int(getter())


def set_blas_threads(n: int) -> bool:
    """Let OpenBLAS use n ≥ 1 threads from now on, process-wide; False if that is not possible here."""
    if int(n) < 1:
        raise ValueError(f"thread count must be at least 1, got {n}")
    setter = _function(_SETTERS)
    if setter is None:
        return False
    setter(ctypes.c_int(int(n)))
    return True


def blas_kernel() -> str | None:
    """The kernel OpenBLAS chose for this CPU ("Haswell", "SkylakeX", …), or the one OPENBLAS_CORETYPE forced;
    None when numpy does not use OpenBLAS. Benchmarks print it: the same machine runs sgemm 1.7× faster with its
    AVX-512 kernel than with the AVX2 one an environment may force."""
    getter = _function(_CORENAMES)
    if getter is None:
        return None
    getter.restype = ctypes.c_char_p
    value = getter()
    return value.decode("ascii", "replace").strip() if value else None
