"""Train page: settings, Start/Pause/Stop, live plots redrawn by a timer, progress and log."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.evaluation import format as fmt
from tlstudio.core.events import RunControl
from tlstudio.gui import resume
from tlstudio.gui.device_note import DeviceNote
from tlstudio.gui.fit_note import FitNote
from tlstudio.gui.live_curves import LiveCurves
from tlstudio.gui.pages.base import KeptRoom, Notice, Page, label, named
from tlstudio.gui.preset_plans import plan_presets
from tlstudio.gui.short_paths import short_paths
from tlstudio.gui.state import AppState
from tlstudio.gui.train_panels import RunButtons, TrainPlots, settings_column
from tlstudio.gui.train_settings import TrainSettings
from tlstudio.gui.train_words import (
    FINISHING_NOTE,
    LIVE_HEADLINES,
    STOPPING_EARLY_NOTE,
    STOPPING_NOTE,
    data_note,
    ending,
    score_headline,
)
from tlstudio.gui.train_worker import TrainWorker, duration
from tlstudio.gui.turns import Turns
from tlstudio.gui.workers import WorkerHost

# The live curves redraw at most 4 times a second, each changed plot in a turn of its own
# (~10 ms a plot on a 2-core machine, more beside the training thread); at 10 a second the
# window spent most of its time painting and answered late (pyqtgraph advises 100-250 ms).
REDRAW_MS = 250
# Room kept for the run's status line: the engine's notes as a run starts (rows cut to the max
# length, the time estimate) take 3-4 lines; each line more resized and repainted the three
# plots below (~50 ms), twice as a run started and once as it ended. Before a run the line
# takes one, and the fit note shows in the rest (its appearing resized the plots the same way).
STATUS_LINES = 4


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
        self._phase = "preparing"  # then "training", "finishing" (from the worker)
        self._stop_phase: str | None = None  # the phase Stop was pressed in
        self._run_data: str | None = None  # the file the current (or last) run trained on
        self._resuming: resume.ResumePoint | None = None  # the run being continued, if so
        self._last_step = 0
        self._total_steps = 0
        self._result: Any = None  # the run that just finished, until the window is told
        self._ending = Turns(self)  # a run's end, told to the window one turn at a time
        self._build()
        state.data_changed.connect(self._update_data_note)
        state.data_changed.connect(self._update_start)
        for planned_from in (state.data_changed, state.model_changed, state.tokens_counted,
                             *self.settings.plan_inputs()):
            planned_from.connect(self._plan_presets)
        self.settings.max_length.valueChanged.connect(self.fit_note.refresh)
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self.curves.draw_in_turns)

    def _build(self) -> None:
        self.settings = TrainSettings()
        self.device_note = DeviceNote(self.settings, self._host)
        self.resumed_settings = named(label("", "hint", wrap=True), "resumedSettings",
                                      "Settings of the resumed run")
        self.resumed_settings.hide()  # shown instead of the settings while a run is resumed
        scroll = settings_column(self.settings, self.resumed_settings, self.device_note)
        buttons = RunButtons()
        self.start_button, self.pause_button, self.stop_button = (
            buttons.start_button, buttons.pause_button, buttons.stop_button)
        self.start_button.clicked.connect(self.start)
        self.blocked_note = named(label("", wrap=True), "startBlockedNote", "Why Start is off")
        self.blocked_note.hide()
        self.fit_note = FitNote(self._state, lambda: self.settings.value_of("max_length"))
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self.stop_button.clicked.connect(self.stop)

        self.progress = named(QProgressBar(), "trainProgress", "Training progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Not started")
        self.status = named(label("Ready when you are.", "big", wrap=True), "trainStatus",
                            "Training status")
        self.stats = label("", "hint")
        self.data_note = named(label("", "hint", wrap=True), "trainDataNote", "Training data")
        self.warnings = Notice("trainWarnings", "Training warnings")

        right_split = TrainPlots()
        self.loss_plot, self.metric_plot, self.lr_plot = (
            right_split.loss_plot, right_split.metric_plot, right_split.lr_plot)
        self.curves = LiveCurves(self.loss_plot, self.metric_plot, self.lr_plot)
        self.log = right_split.log

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.blocked_note)
        self.headline = KeptRoom(self.fit_note, self.status)  # see STATUS_LINES
        self.headline.keep(STATUS_LINES, self.status)
        right_layout.addWidget(self.headline)
        right_layout.addWidget(self.progress)
        right_layout.addWidget(self.stats)
        right_layout.addWidget(self.data_note)
        right_layout.addWidget(self.warnings)
        right_layout.addWidget(right_split, 1)
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 900])
        self.body.addWidget(splitter)
        self.next_button = self.add_next_button("Next: evaluate  →", "evaluate")
        self.next_button.setEnabled(False)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.device_note.ask_once()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        # The status line's room back to STATUS_LINES, or what it shows needs: out of view, so
        # the page is laid out once, as it shows again, never as a run starts or ends.
        super().hideEvent(event)
        self.headline.keep(STATUS_LINES, self.status)

    # ---- run control --------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._control is not None

    @property
    def has_run(self) -> bool:
        """True once a run was started or resumed here: the page has something to show."""
        return self._run_data is not None

    def start(self) -> None:
        """Start a run with the current data, model and settings (ignored while one runs)."""
        if self.running:
            return
        if not self._state.has_data:
            self.banner.show_error("Open a data file first (Data page).")
            return
        if self._state.blocking_problem is not None:  # e.g. Ctrl+Return while Start is off
            self._update_start()
            return
        config = self.settings.fill_config(self._state.base_config())
        try:
            config.validate()
        except Exception as exc:  # TrainingError: a setting out of range
            self.banner.show_error(str(exc))
            return
        self.settings.remember()
        self._launch(config, None)

    def resume(self, run_dir: str) -> None:
        """Continue an unfinished run from its latest checkpoint, with its own saved config.

        TLStudioError when the folder can't be read as a resumable run (then nothing starts).
        """
        if not self.running:
            from tlstudio.core.runs.store import RunFolder

            point = RunFolder(run_dir).resume_point()
            self._launch(point.config, point)

    def _launch(self, config: Any, point: resume.ResumePoint | None) -> None:
        self.banner.hide()
        self.warnings.clear()
        self._control = RunControl()
        self._phase, self._stop_phase = "preparing", None
        self._last_step, self._total_steps = (point.step, point.total_steps) if point else (0, 0)
        self._run_data, self._resuming = config.data_path, point
        self.curves.clear()
        logged = resume.prefill(self.curves, point) if point else 0
        self.curves.draw_in_turns()  # emptied (or the resumed run's), a plot a turn
        self.log.clear()
        self._log(point.note() + f" {logged} logged steps loaded from its checkpoint." if point
                  else f"Training {config.model} on {config.data_path}")
        self._set_running(True)
        self._started_at = time.monotonic()
        worker = TrainWorker(config, self._control, resume=point is not None)
        worker.status_changed.connect(self._on_worker_status_changed)
        worker.warned.connect(self._on_worker_warned)
        worker.phase_changed.connect(self._on_worker_phase_changed)
        worker.stepped.connect(self._on_worker_stepped)
        worker.evaluated.connect(self._on_worker_evaluated)
        worker.checkpointed.connect(self._on_worker_checkpointed)
        worker.finished_run.connect(self._on_worker_finished_run)
        worker.failed.connect(self._on_worker_failed)
        worker.done.connect(self._on_worker_done)
        self._host.start(worker)
        self._timer.start()

    def stop(self) -> None:
        """Stop after the current step; once training is over, let the test evaluation finish."""
        if self._control is None or self._stop_phase is not None:
            return
        self._stop_phase = self._phase
        self.stop_button.setEnabled(False)
        self.pause_button.setEnabled(False)
        self.pause_button.setText("Pause")
        if self._phase == "finishing":
            # The model is saved; the test evaluation is what gives the run its results, and
            # the engine cannot interrupt it, so say so rather than pretend to stop.
            self.stop_button.setText("Finishing evaluation…")
            self.status.setText(FINISHING_NOTE)
            self._log("Stop pressed after training had ended: finishing the test evaluation.")
            return
        self._control.stop()
        self.stop_button.setText("Stopping…")
        self.status.setText(STOPPING_EARLY_NOTE if self._phase == "preparing" else STOPPING_NOTE)
        self._log("Stop requested.")

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

    def _plan_presets(self) -> None:
        plan_presets(self.settings, self._state)

    def _update_start(self) -> None:
        """Start is off while a run goes, or while the data can't be trained on (then it says why)."""
        problem = None if self.running else self._state.blocking_problem
        self.start_button.setEnabled(not self.running and problem is None)
        text = "" if problem is None else f"Can't start: {problem.message} Fix it on the Data page."
        self.blocked_note.setText(text)
        self.blocked_note.setVisible(bool(text))

    def _set_running(self, running: bool) -> None:
        focus = QApplication.focusWidget()
        focus_here = focus is not None and self.isAncestorOf(focus)
        self.start_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.pause_button.setText("Pause")
        self.stop_button.setEnabled(running)
        self.stop_button.setText("Stop")
        self.settings.setEnabled(not running)
        resumed = self._resuming.settings_text() if running and self._resuming else ""
        self.settings.setVisible(not resumed)  # its values are not the resumed run's
        self.resumed_settings.setText(resumed)
        self.resumed_settings.setVisible(bool(resumed))
        if running:
            self.next_button.setEnabled(False)
            self.progress.setRange(0, 0)
            self.progress.setFormat("Loading model…")
            self.status.setText("Loading model…")
        self._state.set_training(running, self._run_data if running else None,
                                 str(self._resuming.run_dir) if self._resuming else None)
        self._update_data_note()
        if not running:
            self._update_start()
        if focus_here:  # the focused Start, setting or Stop was just disabled: keep the keyboard here
            after = self.stop_button if running else next(
                (b for b in (self.next_button, self.start_button) if b.isEnabled()), self.log)
            after.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_data_note(self) -> None:
        """Say which file the run trains on, and which one the next Start would use."""
        self.data_note.setText(data_note(self._state.data_path, self._run_data, self.running,
                                         self._resuming if self.running else None))

    # ---- worker signals -----------------------------------------------------------------
    def _log(self, text: str) -> None:
        self.log.appendPlainText(f"[{time.strftime('%H:%M:%S')}] {text}")

    def _on_worker_status_changed(self, message: str) -> None:
        short = short_paths(message, [self._run_data])  # the headline names files; the log keeps paths
        if self._stop_phase is None:
            self.status.setText(short)
            self.status.setToolTip(message if short != message else "")
        elif self._stop_phase != "finishing":
            self.status.setText(f"Stopping: {short}")
            self.status.setToolTip(message if short != message else "")
        self._log(message)

    def _on_worker_warned(self, message: str) -> None:
        """Warnings stay in their notice until the next run starts."""
        self.warnings.add(message)
        self._log(f"Warning: {message}")

    def _on_worker_phase_changed(self, phase: str) -> None:
        self._phase = phase
        if phase == "finishing":
            self.pause_button.setEnabled(False)  # no steps left to pause between
            self.pause_button.setText("Pause")
            self.stop_button.setToolTip("Training is over: the test evaluation finishes "
                                        "either way, so the run has results")

    def _on_worker_stepped(self, event: Any) -> None:
        self._last_step = max(self._last_step, event.step)
        self._total_steps = event.total_steps or self._total_steps
        if event.total_steps:
            if self.progress.maximum() != event.total_steps:
                self.progress.setRange(0, event.total_steps)
                if self._stop_phase is None:
                    self.status.setText("Training…")
            self.progress.setValue(event.step)
            if self._stop_phase is None and self.status.text().startswith(LIVE_HEADLINES):
                # the one-off estimate would go stale on screen: keep the headline live instead
                self.status.setText(f"Training: about {duration(event.eta_seconds)} left")
            self.progress.setFormat(f"epoch {event.epoch:.2f} · step {event.step} of "
                                    f"{event.total_steps}")
        self.stats.setText(f"ETA {duration(event.eta_seconds)} · "
                           f"{event.samples_per_second:.1f} samples/s · "
                           f"elapsed {duration(time.monotonic() - self._started_at)}")
        if np.isfinite(event.loss):
            self.curves.add_loss(event.step, event.loss, event.learning_rate, event.total_steps)
        self.step_received.emit(event)

    def _on_worker_evaluated(self, event: Any) -> None:
        self._last_step = max(self._last_step, event.step)
        resume.add_evaluation(self.curves, event.step, event.epoch, metrics := event.metrics)
        shown = ", ".join(fmt.metric(k, v) for k, v in metrics.items()
                          if isinstance(v, (int, float)) and "runtime" not in k
                          and "per_second" not in k)
        self._log(f"Validation at epoch {event.epoch:.2f}: {shown}")

    def _on_worker_checkpointed(self, event: Any) -> None:
        self._log(f"Checkpoint saved at step {event.step}.")

    def _on_worker_finished_run(self, result: Any) -> None:
        """Say how the run ended; the window is told in the turns after (see _on_worker_done)."""
        headline = score_headline(result)
        took = duration(time.monotonic() - self._started_at)
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
        outcome, bar, steps = ending(result.stopped, self._stop_phase is not None, self._last_step,
                                     self._total_steps)
        self.progress.setFormat(bar)
        # Stopped, the bar stays where training stopped: a full bar would claim every step ran.
        self.progress.setValue(min(self._last_step, self.progress.maximum()) if result.stopped
                               else self.progress.maximum())
        self.status.setText(f"{outcome}{headline} ({took})")
        self.stats.setText(f"{steps} steps in {took}")
        self._log(f"Run saved in {result.run_dir}")
        self.next_button.setEnabled(True)
        self._result = result

    def _on_worker_failed(self, message: str, details: str) -> None:
        self.status.setText("Training failed.")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Failed")
        self._log(f"Failed: {message}")
        self.banner.show_error(message, details)

    def _on_worker_done(self) -> None:
        """The run's end, one step a turn (together they froze the window ~40 ms, and the pages
        that follow the run each took their share in the same turn): the last curves, the new
        run for every page, the page ready for the next run, the presets and the estimate timed
        with the speed this run measured (the estimate alone left "Quick: about 2 min (a guess)"
        above "≈ 29 min, measured")."""
        self._timer.stop()
        result, self._result = self._result, None
        steps = self.curves.draw_steps()  # the last steps' curves, a plot a turn
        if result is not None:
            steps.append(lambda: self._publish(result))
        steps.append(self._end_run)
        if result is not None:
            steps.append(self._plan_presets)  # now timed with the speed this run measured
        self._ending.start(steps)

    def _publish(self, result: Any) -> None:
        self._state.set_run(result.run_dir)
        self.run_finished.emit(result)

    def _end_run(self) -> None:
        self._control = None
        self.stop_button.setToolTip("Stop after the current step; the best model so far is kept")
        self._set_running(False)

    def apply_advice(self, advice_id: str) -> None:
        """A verdict's one-click fix (more epochs, a lower learning rate, class weights) in the settings."""
        self.settings.apply_advice(advice_id, self._state.run_dir)
        self.status.setText("Settings changed as the verdict advised: press Start to train again.")

    def request_stop_for_close(self) -> bool:
        """Ask a running job to stop; True when something was running."""
        if self._control is None:
            return False
        self.stop()
        return True
