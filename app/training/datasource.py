"""Which data the next run trains on: bundled digits, full MNIST (downloaded on request), a folder, or a Dataset.

The choice is stored in the model (`settings["source"]`); the worker loads it (core.data.load_mnist) when a run
starts."""
from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QComboBox, QFileDialog

from app.training.panels.download import DownloadDialog
from core.data import full_mnist_available


class DataSource(QObject):
    """The Dataset combo: its choice goes into the model; what the worker loaded is shown under it."""

    def __init__(self, controls, banner, model, parent):
        super().__init__(parent)
        self.controls, self.banner, self.model, self.window_parent = controls, banner, model, parent
        self.combo: QComboBox = controls.source
        self.download_dialog: DownloadDialog | None = None
        controls.source_changed.connect(self._choice_changed)
        controls.download_requested.connect(self.open_download)
        controls.folder_requested.connect(self.open_folder)

    def choice(self):
        return self.model.settings["source"]

    def ready(self) -> bool:
        """False (with a banner offering the download) when full MNIST is chosen but not downloaded."""
        if self.choice() == "full" and not full_mnist_available():
            self.banner.show_message(self.tr("Full MNIST is not downloaded yet"),
                                     self.tr("Download it once (about 11 MB), or train on the bundled digits."),
                                     "warning", self.tr("Download MNIST…"), self.open_download)
            return False
        return True

    def loaded(self, info) -> None:
        """The worker reports what it loaded (a DataInfo from the Started payload)."""
        self.controls.data_label.setText(info.description)

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
        self.model.set(source=self.combo.currentData())
        self.controls.data_label.setText(self.tr("Loaded when the next run starts (Reset, then Train)."))

    def shutdown(self) -> None:
        if self.download_dialog is not None:
            self.download_dialog.shutdown()
