"""One JSON line per figure, so runs can be compared: name, value, unit, the peer's value where there is one, and
the OpenBLAS kernel numpy ran (an environment may force an older one: OPENBLAS_CORETYPE)."""
from __future__ import annotations

import json
import os
from functools import cache

try:
    from core.nn import blas_kernel
except ImportError:  # an older checkout's core (PYTHONPATH=OLD_TREE): the kernel is not named
    def blas_kernel():
        return ""


@cache
def kernel() -> dict:
    """{"blas_kernel": name, "blas_forced": True if OPENBLAS_CORETYPE chose it}; {} without OpenBLAS."""
    name = blas_kernel()
    if not name:  # None: numpy has no OpenBLAS; "": an older core, which cannot tell
        return {}
    return {"blas_kernel": name, **({"blas_forced": True} if os.environ.get("OPENBLAS_CORETYPE") else {})}


def kernel_note() -> str:
    """One line for a benchmark's header: the kernel, and how to run the CPU's own if the environment forced it."""
    info = kernel()
    if not info:
        return "OpenBLAS kernel: not named by this core" if blas_kernel() == "" else "numpy's BLAS: not OpenBLAS"
    if info.get("blas_forced"):
        return (f"OpenBLAS kernel: {info['blas_kernel']}, forced by OPENBLAS_CORETYPE in this environment; for the "
                "CPU's own run this command under `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`")
    return f"OpenBLAS kernel: {info['blas_kernel']} (the one OpenBLAS chose for this CPU)"


def emit(name: str, value: float, unit: str, peer: str | None = None, peer_value: float | None = None,
         **extra) -> None:
    line = {"name": name, "value": round(float(value), 6), "unit": unit}
    if peer is not None:
        line["peer"] = peer
        line["peer_value"] = round(float(peer_value), 6)
        if peer_value:
            line["ratio"] = round(float(value) / float(peer_value), 4)
    line.update(extra)
    line.update(kernel())
    print(json.dumps(line, ensure_ascii=False), flush=True)
