"""The Train page's panels: the settings column, the run buttons, the live plots (loss,
validation score, learning rate) above the training log."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tlstudio.gui import plots
from tlstudio.gui.pages.base import named
from tlstudio.gui.turns import Turns


def settings_column(*widgets: QWidget) -> QScrollArea:
    """``widgets`` (the settings and their notes) stacked at the top of a scroll area."""
    left = QWidget()
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(0, 0, 6, 0)
    for widget in widgets:
        left_layout.addWidget(widget)
    left_layout.addStretch(1)
    scroll = QScrollArea()
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no invisible Tab stop; it follows the focus
    scroll.setWidget(left)
    scroll.setWidgetResizable(True)
    scroll.setMinimumWidth(360)
    return scroll


class RunButtons(QHBoxLayout):
    """Start, Pause and Stop (the last two off until a run goes)."""

    def __init__(self) -> None:
        super().__init__()
        self.start_button = named(QPushButton("Start"), "startButton", "Start training",
                                  "Start training (Ctrl+Return)")
        self.start_button.setProperty("role", "primary")
        self.pause_button = named(QPushButton("Pause"), "pauseButton", "Pause training",
                                  "Pause or resume after the current step")
        self.stop_button = named(QPushButton("Stop"), "stopButton", "Stop training",
                                 "Stop after the current step; the best model so far is kept")
        for button in (self.start_button, self.pause_button, self.stop_button):
            self.addWidget(button)
        self.pause_button.setEnabled(False)
        self.stop_button.setEnabled(False)


LOG_HINT = ("Press Start and the run's progress is written here: each phase, the validation scores, "
            "any warning and the folder the run is saved in.")


class LogView(QPlainTextEdit):
    """The training log: it asks for a few lines (the page is laid out at its preferred height,
    and the plots above want the room more); the splitter gives it any room left."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(super().sizeHint().width(), 5 * self.fontMetrics().lineSpacing())


class TrainPlots(QSplitter):
    """Three plots in a grid (the loss across the top) over the log; the log gives way first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.loss_plot = plots.make_plot("lossPlot", "Loss", "step", "loss")
        self.metric_plot = plots.make_plot("metricPlot", "Validation score", "epoch", "score")
        self.lr_plot = plots.make_plot("lrPlot", "Learning rate", "step", "learning rate", rates=True)
        self.log = named(LogView(), "trainLog", "Training log")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        # empty until a run: say what will be written here, or it reads as a stray blank box
        self.log.setPlaceholderText(LOG_HINT)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.loss_plot, 0, 0, 1, 2)
        grid.addWidget(self.metric_plot, 1, 0)
        grid.addWidget(self.lr_plot, 1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        # Tall enough that axis titles are never cut off; the log below gives way first.
        self.loss_plot.setMinimumHeight(190)
        for plot in (self.metric_plot, self.lr_plot):
            plot.setMinimumHeight(160)
        self.log.setMinimumHeight(48)
        self.addWidget(grid_host)
        self.addWidget(self.log)
        self.setStretchFactor(0, 4)
        self.setStretchFactor(1, 1)
        self._first_paints = Turns(self)
        self._shown = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        # The first show paints every axis, grid and title: a plot a turn (see paint_in_turns).
        if not self._shown:
            self._shown = True
            plots.paint_in_turns((self.loss_plot, self.metric_plot, self.lr_plot), self._first_paints)
        super().showEvent(event)
