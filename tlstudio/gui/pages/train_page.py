"""Train page: settings, Start/Pause/Stop, live plots redrawn by a timer, progress and log."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.events import RunControl
from tlstudio.gui import jobs, plots, run_files
from tlstudio.gui.pages.base import Page, label, named
from tlstudio.gui.state import AppState
from tlstudio.gui.train_settings import TrainSettings
from tlstudio.gui.train_worker import TrainWorker, main_metric
from tlstudio.gui.workers import FunctionWorker, WorkerHost

REDRAW_MS = 100


def duration(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class LiveCurves:
    """Every training curve of one run, as numpy buffers; ``draw`` pushes them to the plots."""

    def __init__(self, loss_plot: Any, metric_plot: Any, lr_plot: Any) -> None:
        self.train_loss, self.val_loss, self.lr = plots.Series(), plots.Series(), plots.Series()
        self.smoothed = plots.Series()
        self.smooth_weight = 0.9
        self._ema = 0.0
        self.metrics: dict[str, plots.Series] = {}
        loss_item = loss_plot.getPlotItem()
        plots.add_legend(loss_plot, (-10, 10))
        self.raw_curve = loss_item.plot(pen=plots.pen(0, 1, alpha=70), name="train loss")
        self.smooth_curve = loss_item.plot(pen=plots.pen(0, 2.5), name="train loss (smoothed)")
        self.val_curve = loss_item.plot(pen=plots.pen(1, 2), symbol="o", symbolSize=7,
                                        symbolBrush=plots.PALETTE[1], name="validation loss")
        self.metric_plot = metric_plot
        self.metric_item = metric_plot.getPlotItem()
        self.metric_legend: Any = None  # created with the first metric: no empty box before
        self.metric_curves: dict[str, Any] = {}
        self.lr_curve = lr_plot.getPlotItem().plot(pen=plots.pen(2, 2))
        self.placeholder = pg.TextItem("The training loss appears here as the model learns.",
                                       color="#8a9099", anchor=(0.5, 0.5))
        self.placeholder.setPos(0.5, 0.5)
        loss_item.addItem(self.placeholder, ignoreBounds=True)
        self.dirty = False

    def clear(self) -> None:
        for series in (self.train_loss, self.val_loss, self.lr, self.smoothed,
                       *self.metrics.values()):
            series.clear()
        self._ema = 0.0
        self.dirty = True

    def add_loss(self, step: float, loss: float, learning_rate: float, total_steps: int) -> None:
        """Append one training step; the smoothed value is updated in O(1) (no redraw here)."""
        if self.train_loss.size == 0 and total_steps:
            # Fewer steps, lighter smoothing: a short run should not look flattened.
            self.smooth_weight = min(0.95, max(0.5, 1 - 8 / total_steps))
        self.train_loss.append(step, loss)
        self.lr.append(step, learning_rate)
        w = self.smooth_weight
        self._ema = w * self._ema + (1 - w) * loss
        self.smoothed.append(step, self._ema / (1 - w ** self.train_loss.size))
        self.dirty = True

    def add_metric(self, name: str, epoch: float, value: float) -> None:
        if name not in self.metrics:
            if self.metric_legend is None:
                self.metric_legend = plots.add_legend(self.metric_plot, (-10, -10))
            self.metrics[name] = plots.Series(64)
            self.metric_curves[name] = self.metric_item.plot(
                pen=plots.pen(len(self.metric_curves) + 3, 2), symbol="o", symbolSize=7,
                symbolBrush=plots.PALETTE[(len(self.metric_curves) + 3) % len(plots.PALETTE)],
                name=name.removeprefix("eval_"))
        self.metrics[name].append(epoch, value)

    def draw(self) -> None:
        if not self.dirty:
            return
        self.dirty = False
        x, y = self.train_loss.view()
        self.placeholder.setVisible(len(x) == 0)
        self.raw_curve.setData(x, y)
        self.smooth_curve.setData(*self.smoothed.view())
        self.val_curve.setData(*self.val_loss.view())
        self.lr_curve.setData(*self.lr.view())
        low, high = 0.0, 1.0
        for name, series in self.metrics.items():
            x, y = series.view()
            self.metric_curves[name].setData(x, y)
            if len(y):
                low, high = min(low, float(y.min())), max(high, float(y.max()))
        if self.metrics:
            self.metric_item.setYRange(low, high, padding=0.05)


class TrainPage(Page):
    """Start a run and watch it learn."""

    run_finished = Signal(object)
    step_received = Signal(object)  # each StepEvent, after the page has taken it in

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("Train", "Pick a preset (Balanced is a good start) and press Start. "
                         "The best model is kept even if you stop early.", parent)
        self._state = state
        self._host = host
        self._control: RunControl | None = None
        self._started_at = 0.0
        self._devices_asked = False
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self.curves.draw)

    def _build(self) -> None:
        self.settings = TrainSettings()
        self.device_note = label(wrap=True, role="hint")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addWidget(self.settings)
        left_layout.addWidget(self.device_note)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(360)

        buttons = QHBoxLayout()
        self.start_button = named(QPushButton("Start"), "startButton", "Start training",
                                  "Start training (Ctrl+Return)")
        self.start_button.setProperty("role", "primary")
        self.pause_button = named(QPushButton("Pause"), "pauseButton", "Pause training",
                                  "Pause or resume after the current step")
        self.stop_button = named(QPushButton("Stop"), "stopButton", "Stop training",
                                 "Stop after the current step; the best model so far is kept")
        for button in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        self.pause_button.setEnabled(False)
        self.stop_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self.stop_button.clicked.connect(self.stop)

        self.progress = named(QProgressBar(), "trainProgress", "Training progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Not started")
        self.status = label("Ready when you are.", "big", wrap=True)
        self.stats = label("", "hint")

        self.loss_plot = plots.make_plot("lossPlot", "Loss", "step", "loss")
        self.metric_plot = plots.make_plot("metricPlot", "Validation score", "epoch", "score")
        self.lr_plot = plots.make_plot("lrPlot", "Learning rate", "step", "learning rate")
        self.curves = LiveCurves(self.loss_plot, self.metric_plot, self.lr_plot)
        self.log = named(QPlainTextEdit(), "trainLog", "Training log")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.loss_plot, 0, 0, 1, 2)
        grid.addWidget(self.metric_plot, 1, 0)
        grid.addWidget(self.lr_plot, 1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        right_split = QSplitter()
        right_split.setOrientation(right_split.orientation().Vertical)
        right_split.addWidget(grid_host)
        right_split.addWidget(self.log)
        right_split.setStretchFactor(0, 4)
        right_split.setStretchFactor(1, 1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.status)
        right_layout.addWidget(self.progress)
        right_layout.addWidget(self.stats)
        right_layout.addWidget(right_split, 1)
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 900])
        self.body.addWidget(splitter)
        self.next_button = self.add_next_button("Next: evaluate  →", "evaluate")
        self.next_button.setEnabled(False)

    # ---- devices ------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._devices_asked:
            self._devices_asked = True
            worker = FunctionWorker(jobs.detect_devices)
            worker.succeeded.connect(self._on_devices_detected)
            worker.failed.connect(self._on_devices_failed)
            self._host.start(worker)

    def _on_devices_detected(self, result: tuple[list[Any], str]) -> None:
        devices, note = result
        self.settings.set_devices(devices)
        self.device_note.setText(note)

    def _on_devices_failed(self, message: str, _details: str) -> None:
        self.device_note.setText(f"Could not list devices: {message}")

    # ---- run control --------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._control is not None

    def start(self) -> None:
        """Start a run with the current data, model and settings (ignored while one runs)."""
        if self.running:
            return
        if not self._state.has_data:
            self.banner.show_error("Open a data file first (Data page).")
            return
        config = self.settings.fill_config(self._state.base_config())
        try:
            config.validate()
        except Exception as exc:  # TrainingError: a setting out of range
            self.banner.show_error(str(exc))
            return
        self.banner.hide()
        self.settings.remember()
        self._control = RunControl()
        self.curves.clear()
        self.curves.draw()
        self.log.clear()
        self._log(f"Training {config.model} on {config.data_path}")
        self._set_running(True)
        self._started_at = time.monotonic()
        worker = TrainWorker(config, self._control)
        worker.status_changed.connect(self._on_worker_status_changed)
        worker.stepped.connect(self._on_worker_stepped)
        worker.evaluated.connect(self._on_worker_evaluated)
        worker.checkpointed.connect(self._on_worker_checkpointed)
        worker.finished_run.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)
        worker.done.connect(self._on_worker_done)
        self._host.start(worker)
        self._timer.start()

    def stop(self) -> None:
        if self._control is not None:
            self._control.stop()
            self.status.setText("Stopping after the current step…")
            self.stop_button.setEnabled(False)
            self.pause_button.setEnabled(False)

    def _on_pause_clicked(self) -> None:
        if self._control is None:
            return
        if self._control.paused:
            self._control.resume()
            self.pause_button.setText("Pause")
            self.status.setText("Training…")
            self._log("Resumed.")
        else:
            self._control.pause()
            self.pause_button.setText("Resume")
            self.status.setText("Paused. Press Resume to continue.")
            self._log("Paused.")

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.pause_button.setText("Pause")
        self.stop_button.setEnabled(running)
        self.settings.setEnabled(not running)
        if running:
            self.next_button.setEnabled(False)
            self.progress.setRange(0, 0)
            self.progress.setFormat("Loading model…")
            self.status.setText("Loading model…")
        self._state.set_training(running)

    # ---- worker signals -----------------------------------------------------------------
    def _log(self, text: str) -> None:
        self.log.appendPlainText(f"[{time.strftime('%H:%M:%S')}] {text}")

    def _on_worker_status_changed(self, message: str) -> None:
        if self._control is not None and not self._control.stop_requested:
            self.status.setText(message)
        self._log(message)

    def _on_worker_stepped(self, event: Any) -> None:
        if event.total_steps:
            if self.progress.maximum() != event.total_steps:
                self.progress.setRange(0, event.total_steps)
                self.status.setText("Training…")
            self.progress.setValue(event.step)
            self.progress.setFormat(f"epoch {event.epoch:.2f} · step {event.step} of "
                                    f"{event.total_steps}")
        self.stats.setText(f"ETA {duration(event.eta_seconds)} · "
                           f"{event.samples_per_second:.1f} samples/s · "
                           f"elapsed {duration(time.monotonic() - self._started_at)}")
        if np.isfinite(event.loss):
            self.curves.add_loss(event.step, event.loss, event.learning_rate, event.total_steps)
        self.step_received.emit(event)

    def _on_worker_evaluated(self, event: Any) -> None:
        metrics = event.metrics
        if "eval_loss" in metrics:
            self.curves.val_loss.append(event.step, metrics["eval_loss"])
        for name, value in metrics.items():
            if "loss" not in name and name.removeprefix("eval_") in (
                    "accuracy", "f1_macro", "f1", "pearson", "spearman", "r2", "f1_micro"):
                self.curves.add_metric(name, event.epoch, float(value))
        self.curves.dirty = True
        shown = ", ".join(f"{k.removeprefix('eval_')} {v:.4f}" for k, v in metrics.items()
                          if isinstance(v, (int, float)) and "runtime" not in k
                          and "per_second" not in k)
        self._log(f"Validation at epoch {event.epoch:.2f}: {shown}")

    def _on_worker_checkpointed(self, event: Any) -> None:
        self._log(f"Checkpoint saved at step {event.step}.")

    def _on_worker_finished(self, result: Any) -> None:
        metrics = dict(getattr(result, "metrics", {}) or {})
        flat = metrics.get("model", metrics) if isinstance(metrics.get("model"), dict) else metrics
        preferred = run_files.load_run_info(result.run_dir).get("main_metric")
        key = preferred if preferred in flat else main_metric(flat)
        headline = (f" Test {key.removeprefix('eval_').replace('_', ' ')}: {flat[key]:.3f}."
                    if key and isinstance(flat.get(key), (int, float)) else "")
        took = duration(time.monotonic() - self._started_at)
        stopped = "Stopped early; the best model so far was kept." if result.stopped else "Done."
        self.status.setText(f"{stopped}{headline} ({took})")
        self.progress.setFormat("Finished" if not result.stopped else "Stopped")
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
        self.progress.setValue(self.progress.maximum())
        self.stats.setText(f"{self.progress.maximum()} steps in {took}")
        self._log(f"Run saved in {result.run_dir}")
        self.next_button.setEnabled(True)
        self._state.set_run(result.run_dir)
        self.run_finished.emit(result)

    def _on_worker_failed(self, message: str, details: str) -> None:
        self.status.setText("Training failed.")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Failed")
        self._log(f"Failed: {message}")
        self.banner.show_error(message, details)

    def _on_worker_done(self) -> None:
        self._timer.stop()
        self.curves.draw()
        self._control = None
        self._set_running(False)

    def request_stop_for_close(self) -> bool:
        """Ask a running job to stop; True when something was running."""
        if self._control is None:
            return False
        self.stop()
        return True
