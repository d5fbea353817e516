"""Download full MNIST with a progress bar and a Cancel button; core's download_mnist runs in a worker thread."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout

from core.data import MIRRORS, MNIST_MD5, DownloadCancelled, DownloadError, default_cache_dir, download_mnist


class Fetcher(QObject):
    """Runs download_mnist once in its thread; progress, then exactly one of done / failed / cancelled."""

    progressed = Signal(object)  # (file index, file count, name, bytes done, bytes total or None)
    done = Signal(object)  # {name: Path}
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, cache_dir, mirrors, files):
        super().__init__()
        self.cache_dir, self.mirrors, self.files = cache_dir, tuple(mirrors), dict(files)
        self.cancel = threading.Event()
        self._names = list(self.files)

    def _progress(self, done: int, total, name: str) -> None:
        index = self._names.index(name) if name in self._names else 0
        self.progressed.emit((index, len(self._names), name, int(done), None if total is None else int(total)))

    @Slot()
    def run(self) -> None:
        try:
            paths = download_mnist(self.cache_dir, mirrors=self.mirrors, progress=self._progress,
                                   cancel=self.cancel, files=self.files)
        except DownloadCancelled:
            self.cancelled.emit()
        except DownloadError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # never crash the GUI over a download
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.done.emit(dict(paths))


class DownloadDialog(QDialog):
    """Modal while it runs; accepted when every file is in `cache_dir` (checked by MD5), rejected on cancel."""

    def __init__(self, cache_dir=None, mirrors=MIRRORS, files=MNIST_MD5, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Download full MNIST"))
        self.setMinimumWidth(520)
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self.paths: dict = {}
        self.error = ""
        text = self.tr("Downloading the four MNIST files (about 11 MB) into\n{0}").format(self.cache_dir)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.file_label = QLabel("", self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, parent=self)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        for widget in (self.label, self.file_label, self.bar, self.buttons):
            layout.addWidget(widget)

        self.fetcher = Fetcher(self.cache_dir, mirrors, files)
        self.thread = QThread(self)
        self.thread.setObjectName("mnist-download")
        self.fetcher.moveToThread(self.thread)
        self.thread.started.connect(self.fetcher.run)
        self.fetcher.progressed.connect(self._on_progress)
        self.fetcher.done.connect(self._on_done)
        self.fetcher.failed.connect(self._on_failed)
        self.fetcher.cancelled.connect(self._on_cancelled)

    def start(self) -> None:
        """Begin downloading (showing the dialog is up to the caller: open() or exec())."""
        if not self.thread.isRunning():
            self.thread.start()

    def showEvent(self, event):
        super().showEvent(event)
        self.start()

    def cancel(self) -> None:
        """Ask the download to stop; the dialog closes once core confirms nothing partial is left."""
        if self.thread.isRunning():
            self.fetcher.cancel.set()
            self.file_label.setText(self.tr("Cancelling…"))
            self.buttons.setEnabled(False)
        else:
            self._finish(QDialog.DialogCode.Rejected)

    def reject(self) -> None:  # Esc and the window's close button cancel too
        self.cancel()

    @Slot(object)
    def _on_progress(self, info) -> None:
        index, count, name, done, total = info
        part = done / total if total else 0.0
        self.bar.setValue(int(1000 * (index + part) / max(1, count)))
        size = f"{done / 1e6:.1f} / {total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        self.file_label.setText(self.tr("{0} ({1} of {2}): {3}").format(name, index + 1, count, size))

    @Slot(object)
    def _on_done(self, paths) -> None:
        self.paths = paths
        self.bar.setValue(1000)
        self._finish(QDialog.DialogCode.Accepted)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.error = message
        self._finish(QDialog.DialogCode.Rejected)

    @Slot()
    def _on_cancelled(self) -> None:
        self.error = self.tr("Download cancelled.")
        self._finish(QDialog.DialogCode.Rejected)

    def _finish(self, code) -> None:
        self.thread.quit()
        self.thread.wait()
        self.done(code)

    def shutdown(self) -> None:
        """Cancel and wait for the worker (closing the app mid-download)."""
        self.fetcher.cancel.set()
        self.thread.quit()
        self.thread.wait()
