"""Which data the next run trains on: bundled digits, full MNIST (downloaded on request), a folder, or a Dataset."""
from __future__ import annotations

import os

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QComboBox, QFileDialog

from app.training.download import DownloadDialog
from core.data import full_mnist_available, load_mnist


class DataSource(QObject):
    """The Dataset combo's choice, loaded in the worker thread once and then reused while the choice stands."""

    def __init__(self, controls, banner, parent):
        super().__init__(parent)
        self.controls, self.banner, self.window_parent = controls, banner, parent
        self.combo: QComboBox = controls.source
        self.dataset = None  # the last loaded Dataset (read-only arrays: safe to share with worker threads)
        self._key = None  # (choice, seed) it was loaded for
        self._pending_key = None
        self.download_dialog: DownloadDialog | None = None
        controls.source_changed.connect(self._choice_changed)
        controls.download_requested.connect(self.open_download)
        controls.folder_requested.connect(self.open_folder)

    def choice(self):
        return self.combo.currentData()

    def ready(self) -> bool:
        """False (with a banner offering the download) when full MNIST is chosen but not downloaded."""
        if self.choice() == "full" and not full_mnist_available():
            self.banner.show_message(self.tr("Full MNIST is not downloaded yet"),
                                     self.tr("Download it once (about 11 MB), or train on the bundled digits."),
                                     "warning", self.tr("Download MNIST…"), self.open_download)
            return False
        return True

    def builder(self, make):
        """A build function for the worker thread: load the data there unless already loaded, then make(data)."""
        source, seed = key = (self.choice(), self.controls.seed.value())
        dataset = self.dataset if self._key == key else None
        if not isinstance(source, (str, os.PathLike)):
            dataset = source  # a Dataset given to add_dataset
        self._pending_key = key

        def build():
            return make(dataset if dataset is not None else load_mnist(source, seed=seed))

        return build

    def loaded(self, dataset) -> None:
        """The worker reports the Dataset the run uses (from a Started payload)."""
        self.dataset, self._key = dataset, self._pending_key
        self.controls.data_label.setText(dataset.description or repr(dataset))

    def add_dataset(self, dataset) -> None:
        """Offer an already loaded core Dataset (e.g. a small one for a quick demo) and select it."""
        self.combo.addItem(dataset.name, dataset)
        self.combo.setCurrentIndex(self.combo.count() - 1)

    def add_folder(self, folder: str) -> None:
        index = self.combo.findData(folder)
        if index < 0:
            self.combo.addItem(self.tr("Folder: {0}").format(folder), folder)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    @Slot()
    def open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window_parent, self.tr("Folder with MNIST-format IDX files"))
        if folder:
            self.add_folder(folder)

    @Slot()
    def open_download(self) -> None:
        if self.download_dialog is not None:
            self.download_dialog.raise_()
            return
        dialog = self.download_dialog = DownloadDialog(parent=self.window_parent)
        dialog.finished.connect(self._download_finished)
        dialog.open()

    @Slot(int)
    def _download_finished(self, _code: int) -> None:
        dialog, self.download_dialog = self.download_dialog, None
        if dialog is None:
            return
        if dialog.paths:
            self.combo.setCurrentIndex(self.combo.findData("full"))
            self.banner.show_message(self.tr("Full MNIST is ready"),
                                     self.tr("Press Reset, then Train, to train on 60,000 digits."), "info")
        elif dialog.error:
            self.banner.show_message(self.tr("Download failed"), dialog.error, "warning")
        dialog.deleteLater()

    @Slot()
    def _choice_changed(self) -> None:
        self.dataset, self._key = None, None
        self.controls.data_label.setText(self.tr("Loaded when the next run starts (Reset, then Train)."))

    def shutdown(self) -> None:
        if self.download_dialog is not None:
            self.download_dialog.shutdown()
