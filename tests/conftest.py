"""Test setup: headless Qt, chosen before any Qt module is imported; no test may leave a thread or process running."""
import multiprocessing
import os
import threading
import time
import weakref

import pytest

pytest_plugins = ("pytester",)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

GRACE_S = 1.0  # a thread or process still running this long after its test ended was left running
_qthreads: list = []  # weak references to every QThread started during the current test


def _watch_qthreads() -> None:
    try:
        from PySide6.QtCore import QThread
    except ImportError:  # the core tests run without Qt installed too
        return
    start = QThread.start

    def start_and_watch(self, *args, **kwargs):
        _qthreads.append(weakref.ref(self))
        return start(self, *args, **kwargs)

    QThread.start = start_and_watch


_watch_qthreads()


def _running_qthreads() -> list:
    out = []
    for ref in _qthreads:
        thread = ref()
        try:
            if thread is not None and thread.isRunning():
                out.append(thread.objectName() or repr(thread))
        except RuntimeError:  # its C++ object is gone: not running
            pass
    return out


@pytest.fixture(autouse=True)
def nothing_left_running():
    """Fail a test that leaves a QThread, a Python thread or a child process running when it ends."""
    before = set(threading.enumerate())
    _qthreads.clear()
    yield
    deadline = time.monotonic() + GRACE_S  # a server's request thread may still be closing its socket
    threads = [t for t in threading.enumerate() if t not in before and not isinstance(t, threading._DummyThread)]
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    for ref in _qthreads:
        thread = ref()
        try:
            if thread is not None:
                thread.wait(max(0, int(1000 * (deadline - time.monotonic()))))
        except RuntimeError:
            pass
    qthreads = _running_qthreads()
    _qthreads.clear()
    threads = [t.name for t in threads if t.is_alive()]
    for child in multiprocessing.active_children():
        child.join(max(0.0, deadline - time.monotonic()))
    children = [p.name for p in multiprocessing.active_children()]
    left = [f"QThread {n}" for n in qthreads] + [f"thread {n}" for n in threads] + [f"process {n}" for n in children]
    if left:
        pytest.fail("left running after the test: " + ", ".join(left), pytrace=False)
