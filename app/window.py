"""The main window: one tab per part of the lecture, a Help menu, full screen and projector mode."""
from __future__ import annotations

from PySide6.QtGui import QAction, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget, QVBoxLayout, QWidget

from app import ASSETS
from app.runtime.navigator import Navigator
from app.widgets.fonts import scale_fonts


def _landscape(parent):
    from app.landscape import LandscapeTab

    return LandscapeTab(parent)


def _training(parent):
    from app.training import TrainingTab

    return TrainingTab(parent)


def _keys(*keys) -> list[QKeySequence]:
    """Key sequences from texts and standard keys, each once, in order (a standard key may repeat a text)."""
    out: list[QKeySequence] = []
    for key in keys:
        standard = isinstance(key, QKeySequence.StandardKey)
        for sequence in QKeySequence.keyBindings(key) if standard else [QKeySequence(key)]:
            if sequence not in out:
                out.append(sequence)
    return out


class MainWindow(QMainWindow):
    """Tabs keyed by name ("landscape", "training"); each tab may implement shutdown(), set_presentation() and
    register_targets(navigator) (what it can show when another tab or the lesson player asks)."""

    def __init__(self):
        super().__init__()
        self.setWindowTitle("Descent Lab")
        self.setWindowIcon(QIcon(str(ASSETS / "icon.svg")))
        self.resize(*self._fitting_size(1400, 900))
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self._tab_keys: list[str] = []
        self._factories: dict[str, object] = {}
        self._built: dict[str, QWidget] = {}
        self.presentation = False
        self.pictures_only = False
        # A tab asks for "show this scene in the Landscape" here, never by importing another tab.
        self.navigator = Navigator(select=self.select_tab)
        self.navigator.declare("landscape.scene", "landscape")
        self.navigator.declare("training.settings", "training")

        # Tabs are built when first shown, so launch pays only for the tab on screen.
        self.add_tab("landscape", _landscape, self.tr("Landscape"))
        self.add_tab("training", _training, self.tr("Training"))
        self.tabs.currentChanged.connect(self._on_current_changed)
        self._build_menus()

    def add_tab(self, key: str, factory, title: str) -> None:
        """Register a tab; `factory(parent)` builds its widget on first show."""
        holder = QWidget(self.tabs)
        QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
        self._tab_keys.append(key)
        self._factories[key] = factory
        self.tabs.addTab(holder, title)

    def tab(self, key: str) -> QWidget:
        """The tab's widget, built now if it was not yet."""
        if key not in self._built:
            holder = self.tabs.widget(self._tab_keys.index(key))
            widget = self._factories[key](holder)
            holder.layout().addWidget(widget)
            widget.show()  # a child added to a visible parent stays hidden until shown
            self._built[key] = widget
            if hasattr(widget, "register_targets"):
                widget.register_targets(self.navigator)
            if self.pictures_only and hasattr(widget, "set_pictures_only"):
                widget.set_pictures_only(True)
            if self.presentation and hasattr(widget, "set_presentation"):
                widget.set_presentation(True)
        return self._built[key]

    def built_tabs(self) -> list[str]:
        return [k for k in self._tab_keys if k in self._built]

    def tab_keys(self) -> list[str]:
        return list(self._tab_keys)

    def select_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(self._tab_keys.index(key))
        self.tab(key)

    def step_tab(self, by: int) -> None:
        """The next (by = 1) or previous (by = −1) tab, wrapping around."""
        self.select_tab(self._tab_keys[(self.tabs.currentIndex() + by) % len(self._tab_keys)])

    def current_tab_key(self) -> str:
        return self._tab_keys[self.tabs.currentIndex()]

    def showEvent(self, event):
        self.tab(self.current_tab_key())
        super().showEvent(event)

    def _on_current_changed(self, index: int) -> None:
        if 0 <= index < len(self._tab_keys):
            self.tab(self._tab_keys[index])

    def _build_menus(self) -> None:
        view = self.menuBar().addMenu(self.tr("&View"))
        self.fullscreen_action = QAction(self.tr("Full screen"), self, checkable=True)
        self.fullscreen_action.setShortcut(QKeySequence(QKeySequence.StandardKey.FullScreen))
        self.fullscreen_action.setShortcuts([QKeySequence("F11")])
        self.fullscreen_action.toggled.connect(self.set_fullscreen)
        view.addAction(self.fullscreen_action)
        self.presentation_action = QAction(self.tr("Presentation mode (projector)"), self, checkable=True)
        self.presentation_action.setShortcut(QKeySequence("Ctrl+P"))
        self.presentation_action.toggled.connect(self.set_presentation)
        view.addAction(self.presentation_action)
        self.pictures_action = QAction(self.tr("Pictures only (hide the control columns)"), self, checkable=True)
        self.pictures_action.setShortcut(QKeySequence("F9"))
        self.pictures_action.toggled.connect(self.set_pictures_only)
        view.addAction(self.pictures_action)

        view.addSeparator()
        # Window-wide: a field that gave the keys back leaves no focus, and Qt's own Ctrl+Tab then never
        # reaches the tab widget.
        self.next_tab_action = QAction(self.tr("Next tab"), self)
        self.next_tab_action.setShortcuts(_keys("Ctrl+Tab", "Ctrl+PgDown", QKeySequence.StandardKey.NextChild))
        self.next_tab_action.triggered.connect(lambda: self.step_tab(1))
        view.addAction(self.next_tab_action)
        self.previous_tab_action = QAction(self.tr("Previous tab"), self)
        self.previous_tab_action.setShortcuts(
            _keys("Ctrl+Shift+Tab", "Ctrl+PgUp", QKeySequence.StandardKey.PreviousChild))
        self.previous_tab_action.triggered.connect(lambda: self.step_tab(-1))
        view.addAction(self.previous_tab_action)

        view.addSeparator()
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        view.addAction(quit_action)
        self.quit_action = quit_action

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.shortcuts_action = QAction(self.tr("Keyboard shortcuts"), self)
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        about = QAction(self.tr("About Descent Lab"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def set_pictures_only(self, on: bool) -> None:
        """Every tab shows its pictures only (F9 again brings the controls back, as they were)."""
        self.pictures_only = bool(on)
        if self.pictures_action.isChecked() != self.pictures_only:
            self.pictures_action.setChecked(self.pictures_only)
            return
        for widget in self._built.values():
            if hasattr(widget, "set_pictures_only"):
                widget.set_pictures_only(self.pictures_only)

    def _fitting_size(self, width: int, height: int) -> tuple[int, int]:
        """The default size, shrunk to the screen's free area (a projector's 1280×720 must not clip the window)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return width, height
        free = screen.availableGeometry()
        return min(width, free.width()), min(height, free.height())

    def set_fullscreen(self, on: bool) -> None:
        if on:
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is not None:  # without a window manager, fullscreen alone would keep the old size
                self.setGeometry(screen.geometry())
            self.showFullScreen()
        else:
            self.showNormal()

    def set_presentation(self, on: bool) -> None:
        """Projector mode: every tab scales fonts and line widths."""
        self.presentation = bool(on)
        if self.presentation_action.isChecked() != self.presentation:
            self.presentation_action.setChecked(self.presentation)
            return
        # the menu bar, its menus and the tab titles too (they are not any tab's children)
        for widget in (self.menuBar(), self.tabs.tabBar(), *self.menuBar().findChildren(QMenu)):
            scale_fonts(widget, self.presentation)
        for widget in self._built.values():
            if hasattr(widget, "set_presentation"):
                widget.set_presentation(self.presentation)

    def shortcut_list(self) -> list[tuple[str, str]]:
        """Every shortcut that acts now: the current tab's, then the window's."""
        from app.widgets.keys import shortcut_help

        window = [(" / ".join(key.toString() for key in action.shortcuts()[:2]), action.text().replace("&", ""))
                  for action in (self.next_tab_action, self.previous_tab_action, self.presentation_action,
                                 self.pictures_action, self.fullscreen_action, self.shortcuts_action,
                                 self.quit_action)]
        fields = [(self.tr("Enter / Esc"), self.tr("in a field: commit / undo the edit, and give the keys back"))]
        return shortcut_help(self.tab(self.current_tab_key())) + fields + window

    def show_shortcuts(self):
        """F1: the list of shortcuts, on screen."""
        from app.help import ShortcutsDialog

        self._shortcuts = ShortcutsDialog(self.tabs.tabText(self.tabs.currentIndex()), self.shortcut_list(), self)
        return self._show_dialog(self._shortcuts)

    def show_about(self):
        from app.about import AboutDialog

        self._about = AboutDialog(self)
        return self._show_dialog(self._about)

    def _show_dialog(self, dialog):
        """Show `dialog` with the keys, so Esc closes it at once, and give them back here when it closes (without a
        window manager, or with one that prevents focus stealing, they would stay where they were)."""
        dialog.show()
        dialog.finished.connect(self.activateWindow)
        dialog.activateWindow()
        return dialog

    def closeEvent(self, event):
        for widget in self._built.values():
            if hasattr(widget, "shutdown"):
                widget.shutdown()
        super().closeEvent(event)
