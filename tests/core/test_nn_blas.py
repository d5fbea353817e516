"""Setting numpy's OpenBLAS thread count at run time (a no-op report where numpy has no OpenBLAS)."""
import numpy as np
import pytest

from core.nn import blas_threads, set_blas_threads


def test_set_and_read_back_the_thread_count():
    before = blas_threads()
    if before is None:
        assert set_blas_threads(1) is False
        pytest.skip("numpy here does not use OpenBLAS")
    try:
        assert set_blas_threads(1) is True and blas_threads() == 1
        a = np.random.default_rng(0).random((200, 200))
        np.testing.assert_allclose(a @ np.eye(200), a)  # BLAS still works
    finally:
        set_blas_threads(before)
    assert blas_threads() == before


def test_zero_threads_is_an_error():
    with pytest.raises(ValueError):
        set_blas_threads(0)


def test_the_kernel_named_is_the_one_openblas_runs():
    """An environment may force a kernel (OPENBLAS_CORETYPE, read when OpenBLAS loads): the name read back is that
    one, so it is read from the library, not guessed; otherwise it is the one OpenBLAS chose for this CPU."""
    import os

    from core.nn import blas_kernel

    kernel = blas_kernel()
    if kernel is None:
        pytest.skip("numpy here does not use OpenBLAS")
    forced = os.environ.get("OPENBLAS_CORETYPE", "").strip()
    if forced:
        assert kernel.lower() == forced.lower()
    else:
        assert kernel and kernel.isprintable()
