"""The main window: a sidebar that follows the flow, one page per step, menus (``window_menus.py``)
and drops."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QByteArray, QDeadlineTimer, QEvent, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from tlstudio.gui import jobs, settings, sheets, theme
from tlstudio.gui.gc_guard import MainThreadCollector
from tlstudio.gui.pages.data_page import DataPage
from tlstudio.gui.pages.evaluate_page import EvaluatePage
from tlstudio.gui.pages.insight_page import InsightPage
from tlstudio.gui.pages.model_page import ModelPage
from tlstudio.gui.pages.predict_page import PredictPage
from tlstudio.gui.pages.runs_page import RunsPage
from tlstudio.gui.pages.train_page import TrainPage
from tlstudio.gui.pages.welcome_page import WelcomePage
from tlstudio.gui.state import AppState
from tlstudio.gui.window_menus import WindowMenus
from tlstudio.gui.workers import SHUTDOWN_MS, FunctionWorker, WorkerHost, describe_error

PAGES = ("welcome", "data", "model", "train", "evaluate", "predict", "insight", "runs")
TITLES = {"welcome": "Start", "data": "Data", "model": "Model", "train": "Train",
          "evaluate": "Evaluate", "predict": "Predict", "insight": "Insight", "runs": "Runs"}
MIN_WIDTH, MIN_HEIGHT = 760, 520  # fits a 1024x640 screen with its title bar and panels; pages scroll
FRAME_ROOM = QSize(16, 48)  # a window manager's borders and title bar: unknown until the window shows
# How long a worker thread keeps the GIL once the GUI thread asks for it (Python's default is
# 5 ms). A repaint calls Python (pyqtgraph's items) many times; beside a worker running Python
# (training set-up, a comparison) each call waited up to the whole interval: a plot's repaint
# took 64 ms instead of 27 (47 ms at 1 ms). A worker loses nothing while the window is idle.
GIL_SWITCH_S = 0.001
RESTYLE_TURN_S = 0.004  # a switch of look restyles pieces for this long per turn (apply_look)
OPEN_FILTER = "Data files (*.csv *.tsv *.txt *.jsonl *.json *.parquet *.xlsx);;All files (*)"


class MainWindow(QMainWindow, WindowMenus):
    """TL Studio's one window. ``warm_up`` imports torch in the background once shown."""

    closed = Signal()

    def __init__(self, *, warm_up: bool = False) -> None:
        super().__init__()
        self.setWindowTitle("TL Studio")
        self.setWindowIcon(theme.icon("app"))
        self.setObjectName("mainWindow")
        self.setMinimumSize(QSize(MIN_WIDTH, MIN_HEIGHT))
        self.setAcceptDrops(True)
        self.collector = MainThreadCollector(self)  # no garbage collection in worker threads
        self.collector.start()
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, GIL_SWITCH_S))
        self.state = AppState()
        self.host = WorkerHost(self)
        self._warm_up = warm_up
        self.warming_up = warm_up  # True from construction until the start-up warm-up has ended
        self._close_when_stopped = False
        self.confirm_close = self._ask_close_during_training
        self._to_restyle: list[QWidget] = []  # pieces a switch of look restyles on later turns
        self._build_pages()
        self._build_menus(PAGES, TITLES)
        self._restore_geometry()
        self.state.data_changed.connect(self._update_navigation)
        self.state.model_changed.connect(self._update_navigation)
        self.state.run_changed.connect(self._update_navigation)
        self.state.training_changed.connect(self._on_state_training_changed)
        self._update_navigation()
        self.show_page("welcome")  # the Start page lists the recent files: no empty Data page
        self.apply_look()

    # ---- construction -------------------------------------------------------------------
    def _build_pages(self) -> None:
        state, host = self.state, self.host
        self.pages: dict[str, QWidget] = {
            "welcome": WelcomePage(),
            "data": DataPage(state, host),
            "model": ModelPage(state, host),
            "train": TrainPage(state, host),
            "evaluate": EvaluatePage(state, host),
            "predict": PredictPage(state, host),
            "insight": InsightPage(state, host),
            "runs": RunsPage(state, host),
        }
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Steps")
        self.sidebar.setIconSize(QSize(22, 22))
        self.sidebar.setFixedWidth(170)
        self.stack = QStackedWidget()
        for key in PAGES:
            item = QListWidgetItem(theme.icon(key), TITLES[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.sidebar.addItem(item)
            self.stack.addWidget(self.pages[key])
            self.pages[key].installEventFilter(self)  # styled as shown: see eventFilter
            self.pages[key].next_requested.connect(self.show_page)
        self.pages["evaluate"].advice_chosen.connect(self._on_evaluate_advice_chosen)
        self.pages["data"].advice_chosen.connect(self._on_data_advice_chosen)
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row_changed)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        welcome: WelcomePage = self.pages["welcome"]  # type: ignore[assignment]
        welcome.demo_requested.connect(self.open_demo)
        welcome.open_requested.connect(self.open_dialog)
        insight: InsightPage = self.pages["insight"]  # type: ignore[assignment]
        insight.open_requested.connect(self._on_insight_open_requested)
        insight.train_requested.connect(self._on_insight_train_requested)
        welcome.recent_requested.connect(self.open_file)
        runs: RunsPage = self.pages["runs"]  # type: ignore[assignment]
        runs.run_opened.connect(self._on_runs_run_opened)
        runs.resume_requested.connect(self._on_runs_resume_requested)
        # Text boxes would take a dropped file as text; let the drop reach the window instead.
        predict: PredictPage = self.pages["predict"]  # type: ignore[assignment]
        for editor in (predict.input, predict.pair_input, self.pages["model"].hub_edit):
            editor.setAcceptDrops(False)
            if hasattr(editor, "viewport"):
                editor.viewport().setAcceptDrops(False)

    # ---- navigation ---------------------------------------------------------------------
    def show_page(self, key: str) -> None:
        row = PAGES.index(key)
        item = self.sidebar.item(row)
        if item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.sidebar.setCurrentRow(row)

    def current_page(self) -> str:
        return PAGES[self.stack.currentIndex()]

    def _on_sidebar_row_changed(self, row: int) -> None:
        if row >= 0:
            theme.bring_up_to_date(self.stack.widget(row))  # before it shows: laid out once
            self.stack.setCurrentIndex(row)

    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # A page shown by any path takes the look before its own showEvent (which may measure).
        if event.type() == QEvent.Type.Show and watched in self.pages.values():
            theme.bring_up_to_date(watched)  # up to date: no cost
        return super().eventFilter(watched, event)

    def apply_look(self) -> None:
        """Style what shows for the look in use: the bars and the current page now, each
        other page as it is shown (``sheets.py``: restyling all of them froze the window).

        A shown window is restyled a piece at a time, ~4 ms of work per turn of the event
        loop, and repainted once all of it wears the new look: in one turn, the restyle and
        the repaint made one 70-80 ms pause (issue 13 item 12). :attr:`restyling` says when
        it is done.
        """
        parts = (self.menuBar(), self.sidebar, self.stack.currentWidget())
        if not (self.isVisible() and self.updatesEnabled()):
            for part in parts:  # hidden, or a switch while one is under way: all at once
                theme.bring_up_to_date(part)
            return
        self.setUpdatesEnabled(False)  # no paint until every part in view wears the look
        for part in parts:
            theme.bring_up_to_date(part, later=self._to_restyle)
        QTimer.singleShot(0, self, self._on_restyle_turn)

    @property
    def restyling(self) -> bool:
        """True while a switch of look is still restyling the window (it paints when done)."""
        return bool(self._to_restyle) or not self.updatesEnabled()

    @Slot()
    def _on_restyle_turn(self) -> None:
        if not self._to_restyle:  # a turn of its own: it walks every widget, then all repaint
            self.setUpdatesEnabled(True)
            return
        start = time.perf_counter()
        while self._to_restyle and time.perf_counter() - start < RESTYLE_TURN_S:
            part = self._to_restyle.pop(0)
            if shiboken6.isValid(part):  # a part deleted meanwhile has nothing to style
                theme.bring_up_to_date(part)
        QTimer.singleShot(0, self, self._on_restyle_turn)

    def _next_step(self) -> str:
        state = self.state
        if not state.has_data:
            return "data"
        if state.model is None:
            return "model"
        if state.run_dir is None:
            return "train"
        return "evaluate"

    def _update_navigation(self) -> None:
        """Enable the steps that are ready; make the next one bold."""
        state = self.state
        train: TrainPage = self.pages["train"]  # type: ignore[assignment]
        ready = {"welcome": True, "data": True, "runs": True, "model": state.has_data,
                 # a resumed run needs neither: it trains on its own saved data and model
                 "train": (state.has_data and state.model is not None) or train.has_run,
                 "evaluate": state.run_dir is not None, "predict": state.run_dir is not None,
                 "insight": state.has_data or state.run_dir is not None}  # "How sure" needs only a run
        next_key = self._next_step()
        # Only what changed: each item set re-lays the sidebar out, and this runs on every
        # change of the data, the model and the run (24 ms of a frozen window as a run ended).
        for row, key in enumerate(PAGES):
            item = self.sidebar.item(row)
            flags = item.flags()
            flags = (flags | Qt.ItemFlag.ItemIsEnabled) if ready[key] else (
                flags & ~Qt.ItemFlag.ItemIsEnabled)
            if flags != item.flags():
                item.setFlags(flags)
            if item.font().bold() != (key == next_key):
                font = QFont(item.font())
                font.setBold(key == next_key)
                item.setFont(font)
            text = TITLES[key] + ("   ›" if key == next_key else "")
            if item.text() != text:
                item.setText(text)
                item.setToolTip("Next step" if key == next_key else "")

    def _on_state_training_changed(self, training: bool) -> None:
        # The Data page stays usable: a file opened during a run is for the next run (the
        # running one trains on the data it started with), and the page says so.
        self.pages["model"].setEnabled(not training)
        self._update_navigation()  # a resumed run opens the Train page without data or model
        if not training and self._close_when_stopped:
            QTimer.singleShot(0, self.close)

    def _on_evaluate_advice_chosen(self, advice_id: str) -> None:
        self.pages["train"].apply_advice(advice_id)  # type: ignore[attr-defined]
        self.show_page("train")
        if self.current_page() != "train":  # no data or model yet (a run opened from the Runs page)
            self.pages["evaluate"].verdict.say(  # type: ignore[attr-defined]
                "The Train page's settings now follow this advice. To train again, open the data on "
                "the Data page and choose a model; then press Start on the Train page.")

    def _on_insight_open_requested(self, path: str, roles: dict[str, Any]) -> None:
        self.show_page("data")
        self.pages["data"].open_file(path, **roles)  # type: ignore[attr-defined]

    def _on_insight_train_requested(self) -> None:
        self.show_page("train")
        self.pages["train"].start()  # type: ignore[attr-defined]

    def _on_data_advice_chosen(self, advice_id: str) -> None:
        """A Data page fix (class weights) goes into the run settings; the Data page stays."""
        if advice_id == "class_weights":
            self.pages["train"].settings.set_value("class_weights", True)  # type: ignore[attr-defined]

    def _on_runs_run_opened(self, run_dir: str) -> None:
        self.state.set_run(run_dir)
        self.show_page("evaluate")

    def _on_runs_resume_requested(self, run_dir: str) -> None:
        """Continue an interrupted run on the Train page; a folder that can't be read says so."""
        runs: RunsPage = self.pages["runs"]  # type: ignore[assignment]
        try:
            self.pages["train"].resume(run_dir)
        except Exception as exc:  # noqa: BLE001 - e.g. RunFolderError: shown, the app goes on
            runs.banner.show_error(*describe_error(exc))
            return
        runs.banner.hide()
        self.show_page("train")

    # ---- files --------------------------------------------------------------------------
    def open_file(self, path: str) -> None:
        """Load ``path`` on the Data page (the same as dropping it on the window).

        During a run too: the run keeps its own data, and the Data page says so.
        """
        self.show_page("data")
        self.pages["data"].open_file(path)

    def open_demo(self) -> None:
        self.show_page("data")
        self.pages["data"].open_demo()

    def open_dialog(self) -> None:
        start = str(Path(settings.recent_files()[0]).parent) if settings.recent_files() else ""
        # On the page, whose look it takes (Qt's own dialog, where the desktop has none).
        path, _ = QFileDialog.getOpenFileName(self.stack.currentWidget(), "Open a data file", start,
                                              OPEN_FILTER)
        if path:
            self.open_file(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(url.isLocalFile() for url in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.show_page("data")
            self.pages["data"].open_files(files)
        else:
            event.ignore()

    # ---- lifecycle ----------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._warm_up:
            self._warm_up = False
            QTimer.singleShot(300, self._start_warm_up)

    def _start_warm_up(self) -> None:
        worker = FunctionWorker(jobs.warm_up)
        worker.done.connect(self._on_warm_up_done)
        self.host.start(worker)

    @Slot()
    def _on_warm_up_done(self) -> None:
        self.warming_up = False

    def fit_to_screen(self) -> None:
        """Shrink the window, before it shows, to fit its screen with room for the frame: the
        first size (1280x820) put the bottom of every page, Next and Start with it, off a
        1024x640 screen."""
        room = self.screen().availableGeometry().size() - FRAME_ROOM
        if self.width() > room.width() or self.height() > room.height():
            self.resize(self.size().boundedTo(room))

    def _restore_geometry(self) -> None:
        geometry = settings.settings().value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)

    def _ask_close_during_training(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question, "Training is running",
            "A training run is in progress. Stop it and close? The best model so far is kept.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        sheets.style(box)  # a window of its own: no page's sheet reaches it
        return box.exec() == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        train: TrainPage = self.pages["train"]  # type: ignore[assignment]
        if train.running:
            if self._close_when_stopped or self.confirm_close():
                self._close_when_stopped = True
                train.request_stop_for_close()
            event.ignore()
            return
        settings.settings().setValue("window/geometry", self.saveGeometry())
        settings.flush()  # the process may end right after the window closes
        # One bounded wait for all: jobs are cancelled first; a thread that can't stop in time
        # is detached (kept until it ends), never destroyed while it runs.
        self.host.cancel_all()
        deadline = QDeadlineTimer(SHUTDOWN_MS)
        self.pages["predict"].shutdown(deadline.remainingTime())
        self.host.shutdown(deadline.remainingTime())
        self.collector.stop()  # the workers are gone: collection may run anywhere again
        sys.setswitchinterval(self._switch_interval)
        self.closed.emit()
        super().closeEvent(event)
