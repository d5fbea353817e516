"""Ctrl+C in the terminal, or a SIGTERM, closes the app as its close button does: no traceback, no process left."""
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtWidgets import QWidget

from app.runtime.signals import CloseOnSignals

EXIT_WITHIN_S = 60  # a loaded CI: the app imports numpy, pyqtgraph and a worker process starts


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_closes_the_window_from_the_event_loop_and_restore_gives_the_handlers_back(qtbot, signum):
    before = {s: signal.getsignal(s) for s in CloseOnSignals.SIGNALS}
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    guard = CloseOnSignals(widget.close)
    try:
        signal.raise_signal(signum)
        assert widget.isVisible()  # not closed inside whatever code the signal interrupted...
        qtbot.waitUntil(lambda: not widget.isVisible(), timeout=5000)  # ...but from the event loop
        assert guard.received == signum
    finally:
        guard.restore()
    assert {s: signal.getsignal(s) for s in CloseOnSignals.SIGNALS} == before


CHILD = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])

    def ready():  # the event loop runs: choose 50x, which starts the Landscape's worker process
        window = next(w for w in app.topLevelWidgets() if hasattr(w, "tab"))
        controller = window.tab("landscape").controller
        controller.player.set_speed(50.0)
        print("ready", controller.ahead.driver._worker.process.pid, flush=True)

    QTimer.singleShot(0, ready)
    from app.main import main
    sys.exit(main([]))
""")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_ends_the_app_and_its_worker_without_a_traceback(tmp_path, signum):
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    worker = None
    try:
        line = child.stdout.readline()
        assert line.startswith("ready"), (line, child.stderr.read() if child.poll() is not None else "")
        worker = int(line.split()[1])
        assert _alive(worker)
        child.send_signal(signum)
        _out, err = child.communicate(timeout=EXIT_WITHIN_S)
        assert child.returncode == 128 + signum, err
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
        assert not _alive(worker)  # stopped by the window's close, not orphaned
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if worker is not None and _alive(worker):
            os.kill(worker, signal.SIGKILL)
