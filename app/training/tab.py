"""The Training tab: train MNIST live in a worker process, switch optimizers mid-run, race them, look inside.

Layout and wiring only: the settings live in `model` (TrainingModel), what the tab does in `controller`.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QScrollArea, QSplitter, QVBoxLayout, QWidget

from app.training.controller import TrainingController
from app.training.datasource import DataSource
from app.training.model import TrainingModel
from app.training.panels.controls import Controls
from app.training.panels.pages import SidePanel, Toolbar
from app.training.views.curves import Curves
from app.widgets import scale_fonts
from app.widgets.banner import Banner
from app.widgets.keys import install_shortcuts
from core.training import SCHEDULES

CURVES_MIN_WIDTH = 480  # px: narrower than this, the curves move into the side panel as its first page


class TrainingTab(QWidget):
    """The widgets (views and panels), the model they edit and the controller that runs the networks."""

    def __init__(self, parent=None, backend: str | None = None):
        super().__init__(parent)
        self.model = TrainingModel()
        self._build()
        self.data = DataSource(self.controls, self.banner, self.model, self)
        self.controls.bind(self.model)
        kwargs = {} if backend is None else {"backend": backend}
        self.controller = TrainingController(self.model, self, parent=self, **kwargs)
        self._connect()
        self.shortcuts = install_shortcuts(self, {"Space": (self.controller.toggle_play,
                                                            self.tr("train, pause, resume or continue"))})
        self.controller.predictions_shown = self.side.page() == "predictions"
        self.update_buttons()

    # ── layout ──────────────────────────────────────────────────────────────────────────────────────────
    def _build(self) -> None:
        self.controls = Controls(self)
        self.controls.set_schedules({key: f"{key.replace('_', ' ')}: {formula}" for key, formula in SCHEDULES.items()})
        self.controls_column = scroll = QScrollArea(self)
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it scrolls vertically only
        scroll.setMinimumWidth(self.controls.sizeHint().width() + 24)
        self.toolbar = Toolbar(self)
        self.banner = Banner(self)
        self.curves = Curves(self)
        self.side = SidePanel(self)
        self.diagnostics, self.predictions = self.side.diagnostics, self.side.predictions
        self.draw_panel, self.race_panel = self.side.draw, self.side.race
        self.columns = main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(scroll)
        main.addWidget(self.curves.widget)
        main.addWidget(self.side)
        main.setStretchFactor(1, 3)
        main.setStretchFactor(2, 2)
        main.setSizes([scroll.minimumWidth(), 620, 440])
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banner)
        layout.addWidget(main, 1)

    def _connect(self) -> None:
        bar, controller = self.toolbar, self.controller
        bar.play_button.clicked.connect(controller.toggle_play)
        bar.stop_button.clicked.connect(controller.stop)
        bar.reset_button.clicked.connect(controller.reset)
        bar.race_button.clicked.connect(controller.start_race)
        bar.clear_button.clicked.connect(self.curves.clear_ghosts)
        bar.x_axis.currentIndexChanged.connect(lambda i: self.curves.set_x_axis(bar.x_axis.itemData(i)))
        bar.log_scale.toggled.connect(self.curves.loss.set_log)
        self.controls.method_changed.connect(controller.switch_optimizer)
        self.controls.hparams_changed.connect(controller.set_hparams)
        self.draw_panel.requested.connect(controller.ask_drawing)
        self.side.networkChosen.connect(controller.choose_network)
        self.controls.refused.connect(lambda text: self.banner.show_message(self.tr("Check the settings"), text,
                                                                             "warning"))
        self.side.currentChanged.connect(lambda _i: controller.show_predictions(self.side.page() == "predictions"))

    @Slot()
    def update_buttons(self, *_args) -> None:
        bar, state = self.toolbar, self.controller.state
        resumable = state == "finished" and self.model.can_continue()
        bar.play_button.setText({"running": self.tr("Pause"), "paused": self.tr("Resume")}.get(
            state, self.tr("Continue") if resumable else self.tr("Train")))
        bar.play_button.setIcon(bar.icons["pause" if state == "running" else "play"])
        bar.stop_button.setEnabled(state == "running")

    def add_dataset(self, dataset) -> None:
        """Offer an already loaded core Dataset in the Dataset choice and select it."""
        self.data.add_dataset(dataset)

    def register_targets(self, navigator) -> None:
        """"training.settings": load settings (TrainingModel.to_dict's form) for the next run."""
        navigator.register("training.settings", self.load_settings, owner="training")

    def load_settings(self, settings: dict) -> None:
        self.model.load_dict(settings)

    def set_pictures_only(self, on: bool) -> None:
        """Only the curves and the side pages: the settings column steps aside (it comes back as it was)."""
        self.controls_column.setVisible(not on)
        self._fit_columns()
        sizes = self.columns.sizes()
        wanted = self.controls_column.minimumWidth()
        if not on and sizes[0] < wanted:  # the splitter kept the hidden column at 0 px: give it its width back
            sizes[-1] = max(sizes[-1] - (wanted - sizes[0]), 0)
            sizes[0] = wanted
            self.columns.setSizes(sizes)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """On a narrow window (a 1024-px projector) the curves become the side panel's first page, so that they get
        a wide picture instead of a sliver between two columns; on a wide one they have their own column."""
        settings = 0 if self.controls_column.isHidden() else self.controls_column.minimumWidth()
        narrow = self.width() - settings - self.side.pages_width() - 24 < CURVES_MIN_WIDTH
        if narrow and self.side.curves is None:
            self.side.hold_curves(self.curves.widget, self.tr("Curves"))
        elif not narrow and self.side.curves is not None:
            self.columns.insertWidget(1, self.side.release_curves())
            self.curves.widget.show()
            settings_width = 0 if self.controls_column.isHidden() else max(self.columns.sizes()[0], settings)
            rest = max(sum(self.columns.sizes()) - settings_width, 0)
            self.columns.setSizes([settings_width, rest * 3 // 5, rest - rest * 3 // 5])

    def set_presentation(self, on: bool) -> None:
        scale_fonts(self, on)
        self.controls.set_presentation(on)
        # the settings column: wide enough for its fields at this size, never wider than a third of a projector's
        self.controls_column.setMinimumWidth(min(self.controls.minimumSizeHint().width() + 24, 380 if on else 10_000))
        self.curves.set_presentation(on)
        self.diagnostics.set_presentation(on)
        self.side.set_presentation(on)
        self._fit_columns()

    def shutdown(self) -> None:
        """End the worker and every thread this tab started (the window is closing)."""
        self.controller.shutdown()
        self.data.shutdown()
