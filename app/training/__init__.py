"""The Training tab (being built; see the issue tracker)."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class TrainingTab(QWidget):
    """Placeholder until the Training tab lands."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        label = QLabel(self.tr("The Training tab is under construction."), self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label)

    def shutdown(self) -> None:
        """Stop timers and threads (nothing runs yet)."""

    def set_presentation(self, on: bool) -> None:
        font = self.font()
        font.setPointSize(20 if on else 10)
        self.setFont(font)
