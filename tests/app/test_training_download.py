"""The download dialog runs core's download_mnist in a thread against a local HTTP server; Cancel leaves nothing."""
import contextlib
import gzip
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app.training.panels.download import DownloadDialog
from core.data import load_idx_folder, write_idx

NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        state = self.server.state
        body = state.files.get(self.path.lstrip("/"))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if state.hold is None:
            self.wfile.write(body)
            return
        # Send the first part, then hold the rest until the test lets go (so Cancel lands mid-file).
        self.wfile.write(body[:state.hold])
        self.wfile.flush()
        state.release.wait(10)
        with contextlib.suppress(OSError):
            self.wfile.write(body[state.hold:])

    def log_message(self, *args):
        pass


class _State:
    def __init__(self, files, hold=None):
        self.files, self.hold = files, hold
        self.release = threading.Event()


@pytest.fixture
def idx_files(tmp_path):
    """Four small MNIST-format files (gzip) and their MD5s."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "source"
    folder.mkdir()
    arrays = {NAMES[0]: rng.integers(0, 256, (300, 28, 28), dtype=np.uint8),
              NAMES[1]: (np.arange(300) % 10).astype(np.uint8),
              NAMES[2]: rng.integers(0, 256, (100, 28, 28), dtype=np.uint8),
              NAMES[3]: (np.arange(100) % 10).astype(np.uint8)}
    files = {}
    for name, array in arrays.items():
        path = write_idx(folder / name, array)
        files[name] = path.read_bytes()
    assert gzip.decompress(files[NAMES[1]])[:4] == b"\x00\x00\x08\x01"
    md5 = {name: hashlib.md5(body).hexdigest() for name, body in files.items()}
    return files, md5


def _serve(state):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.state = state
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def test_the_dialog_downloads_every_file_with_progress(qtbot, tmp_path, idx_files):
    files, md5 = idx_files
    server, url = _serve(_State(files))
    cache = tmp_path / "cache"
    try:
        dialog = DownloadDialog(cache_dir=cache, mirrors=[url], files=md5)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.finished, timeout=10000) as finished:
            dialog.open()
        assert finished.args == [QDialog.DialogCode.Accepted.value]
        assert dialog.result() == QDialog.DialogCode.Accepted and dialog.error == ""
        assert dialog.bar.value() == dialog.bar.maximum()
        assert sorted(p.name for p in cache.iterdir()) == sorted(NAMES)
        assert not dialog.thread.isRunning()
        data = load_idx_folder(cache)
        assert data.n_train == 300 and data.n_val == 100
    finally:
        server.shutdown()
        server.server_close()


def test_cancel_mid_file_leaves_no_partial_file(qtbot, tmp_path, idx_files):
    files, md5 = idx_files
    state = _State(files, hold=100_000)  # more than one 64 KiB read of the client
    server, url = _serve(state)
    cache = tmp_path / "cache"
    try:
        dialog = DownloadDialog(cache_dir=cache, mirrors=[url], files=md5)
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.waitUntil(lambda: dialog.bar.value() > 0, timeout=10000)  # bytes of the first file arrived
        assert "train-images" in dialog.file_label.text()
        with qtbot.waitSignal(dialog.finished, timeout=10000) as finished:
            dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
            state.release.set()  # the blocked read returns, and the downloader sees the cancel
        assert finished.args == [QDialog.DialogCode.Rejected.value]
        assert "cancelled" in dialog.error.lower()
        assert not dialog.thread.isRunning()
        assert list(cache.iterdir()) == []  # neither the file nor a .part of it
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


def test_a_failing_mirror_is_reported_not_raised(qtbot, tmp_path, idx_files):
    _files, md5 = idx_files
    server, url = _serve(_State({}))  # every file: 404
    try:
        dialog = DownloadDialog(cache_dir=tmp_path / "cache", mirrors=[url], files=md5)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.finished, timeout=10000) as finished:
            dialog.open()
        assert finished.args == [QDialog.DialogCode.Rejected.value]
        assert "404" in dialog.error and "train-images" in dialog.error
    finally:
        server.shutdown()
        server.server_close()
