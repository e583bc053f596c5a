"""The training knobs: presets, the basic ones in view, the advanced ones folded away."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QMessageBox,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.settings.config import OPTIMIZERS, PRECISIONS, PRESETS, SCHEDULERS, RunConfig
from tlstudio.gui.pages.base import named

TIPS = {
    "epochs": "How many times the model reads the whole training set. More can help, "
              "but takes longer and may over-fit.",
    "batch": "Rows per training step. Larger is faster on a GPU but needs more memory.",
    "lr": "How big each learning step is. Too high and training is unstable; too low and "
          "it learns slowly. 2e-5 to 1e-4 is typical.",
    "maxlen": "Longest text, in tokens, the model reads; longer texts are cut. "
              "'auto' picks a length that covers most of your rows.",
    "device": "Where training runs. A GPU is much faster than the CPU.",
    "optimizer": "The update rule. AdamW is the standard choice for transformers.",
    "scheduler": "How the learning rate changes over the run.",
    "warmup": "Share of steps where the learning rate ramps up from zero.",
    "decay": "A small pull of the weights towards zero that reduces over-fitting.",
    "accum": "Add up gradients over several batches before a step: a bigger effective "
             "batch without more memory.",
    "class_weights": "Count rare classes more so the model does not ignore them.",
    "remote_code": "Only for a model from a source you trust: its own Python code runs on this "
                   "computer. Needed only by models whose config has 'auto_map'.",
    "patience": "Stop when the validation score has not improved for this many "
                "evaluations (0 = never stop early). The best model is kept.",
    "strategy": "Train every layer (best results), only the classifier head (fastest), "
                "or freeze the lowest layers (in between).",
    "freeze": "How many of the lowest layers to freeze.",
    "dropout": "Randomly drop this share of the head's inputs while training (0 = model's default).",
    "precision": "Number format for training. bf16/fp16 are faster on supported hardware.",
    "logging": "Record the training loss every this many steps (1 draws the live plot "
               "step by step).",
    "evals": "How often per epoch to measure the validation set.",
}


LADDER = (1.0, 2.0, 3.0, 5.0)


class ScientificSpinBox(QDoubleSpinBox):
    """A learning-rate box that reads and writes ``5e-5`` and steps 1, 2, 3, 5 × 10ⁿ."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(12)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt API
        if value <= 0:
            return "0"
        mantissa, exponent = f"{value:.2e}".split("e")
        return f"{float(mantissa):g}e{int(exponent)}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt API
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        try:
            value = float(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt API
        exponent = math.floor(math.log10(self.value()))
        ladder = [m * 10.0 ** e for e in range(exponent - 1, exponent + 2) for m in LADDER]
        index = min(range(len(ladder)), key=lambda i: abs(ladder[i] - self.value()))
        index = max(0, min(len(ladder) - 1, index + steps))
        self.setValue(ladder[index])


def _spin(name: str, tip: str, low: float, high: float, value: float, *, decimals: int = 0,
          step: float = 1.0, special: str | None = None) -> Any:
    spin: QSpinBox | QDoubleSpinBox = QDoubleSpinBox() if decimals else QSpinBox()
    if decimals:
        spin.setDecimals(decimals)
    spin.setRange(low, high)
    spin.setSingleStep(step)
    spin.setValue(value)
    if special:
        spin.setSpecialValueText(special)
    return named(spin, name, tooltip=tip)


class TrainSettings(QWidget):
    """Widgets ⇄ the training fields of a :class:`RunConfig`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        basic = QGroupBox("Training")
        form = QFormLayout(basic)
        self.preset = named(QComboBox(), "presetCombo", "Preset",
                            "Quick: one pass to see if it works. Balanced: the usual choice. "
                            "Thorough: more epochs, a gentler learning rate.")
        self.preset.addItems([*PRESETS, "Custom"])
        self.epochs = _spin("epochsSpin", TIPS["epochs"], 0.1, 100, 3, decimals=1, step=1)
        self.batch_size = _spin("batchSizeSpin", TIPS["batch"], 1, 1024, 16)
        self.learning_rate = named(ScientificSpinBox(), "learningRateSpin", tooltip=TIPS["lr"])
        self.learning_rate.setRange(1e-7, 1.0)
        self.learning_rate.setValue(5e-5)
        self.max_length = _spin("maxLengthSpin", TIPS["maxlen"], 0, 8192, 0, step=32,
                                special="auto")
        self.device = named(QComboBox(), "deviceCombo", "Device", TIPS["device"])
        self.device.addItem("Automatic (best available)", "auto")
        for label, widget in (("Preset", self.preset), ("Epochs", self.epochs),
                              ("Batch size", self.batch_size),
                              ("Learning rate", self.learning_rate),
                              ("Max length", self.max_length), ("Device", self.device)):
            form.addRow(label, widget)
        layout.addWidget(basic)
        layout.addWidget(self._advanced_box())
        self.preset.activated.connect(self._on_preset_chosen)
        for spin in (self.epochs, self.batch_size, self.learning_rate):
            spin.valueChanged.connect(self._on_knob_changed)
        self.apply_preset("Balanced")
        self.restore()

    def _advanced_box(self) -> QWidget:
        box = QWidget()
        toggle = named(QToolButton(), "advancedToggle", "Advanced settings",
                       "Show the settings most runs never need to change")
        toggle.setText("Advanced settings")
        toggle.setCheckable(True)
        toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toggle.setArrowType(Qt.ArrowType.RightArrow)
        toggle.setAutoRaise(True)
        inner = QGroupBox()
        form = QFormLayout(inner)
        self.optimizer = named(QComboBox(), "optimizerCombo", "Optimizer", TIPS["optimizer"])
        self.optimizer.addItems(list(OPTIMIZERS))
        self.scheduler = named(QComboBox(), "schedulerCombo", "Scheduler", TIPS["scheduler"])
        self.scheduler.addItems(list(SCHEDULERS))
        self.warmup = _spin("warmupSpin", TIPS["warmup"], 0, 0.5, 0.1, decimals=2, step=0.05)
        self.weight_decay = _spin("weightDecaySpin", TIPS["decay"], 0, 1, 0.01, decimals=3,
                                  step=0.01)
        self.accumulation = _spin("gradAccumulationSpin", TIPS["accum"], 1, 256, 1)
        self.class_weights = named(QCheckBox("Weight rare classes"), "classWeightsCheck",
                                   tooltip=TIPS["class_weights"])
        self.patience = _spin("patienceSpin", TIPS["patience"], 0, 50, 2, special="never")
        self.strategy = named(QComboBox(), "strategyCombo", "Strategy", TIPS["strategy"])
        self.strategy.addItem("Fine-tune everything", "full")
        self.strategy.addItem("Train the head only", "frozen")
        self.strategy.addItem("Freeze the lowest layers", "freeze")
        self.freeze_layers = _spin("freezeLayersSpin", TIPS["freeze"], 1, 48, 2)
        self.dropout = _spin("headDropoutSpin", TIPS["dropout"], 0, 0.9, 0, decimals=2,
                             step=0.05, special="model default")
        self.precision = named(QComboBox(), "precisionCombo", "Precision", TIPS["precision"])
        self.precision.addItems(list(PRECISIONS))
        self.logging_steps = _spin("loggingStepsSpin", TIPS["logging"], 1, 1000, 1)
        self.evals = _spin("evalsPerEpochSpin", TIPS["evals"], 1, 20, 1)
        self.trust_remote_code = named(QCheckBox("Allow the model's own code"),
                                       "trustRemoteCodeCheck", tooltip=TIPS["remote_code"])
        self.trust_remote_code.toggled.connect(self._on_trust_toggled)
        self.confirm_remote_code = self._ask_remote_code  # replaceable in tests
        for label, widget in (
            ("Optimizer", self.optimizer), ("Scheduler", self.scheduler),
            ("Warm-up share", self.warmup), ("Weight decay", self.weight_decay),
            ("Gradient accumulation", self.accumulation), ("", self.class_weights),
            ("Early-stopping patience", self.patience), ("Strategy", self.strategy),
            ("Frozen layers", self.freeze_layers), ("Head dropout", self.dropout),
            ("Precision", self.precision), ("Log every (steps)", self.logging_steps),
            ("Evaluations per epoch", self.evals), ("", self.trust_remote_code),
        ):
            form.addRow(label, widget)
        outer = QVBoxLayout(box)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(toggle)
        outer.addWidget(inner)
        inner.setVisible(False)
        toggle.toggled.connect(self._on_advanced_toggled)
        self.advanced = toggle
        self.advanced_panel = inner
        return box

    def _on_trust_toggled(self, on: bool) -> None:
        if on and not self.confirm_remote_code():
            self.trust_remote_code.setChecked(False)

    def _ask_remote_code(self) -> bool:
        """Make the user confirm, in words, what allowing a model's own code means."""
        answer = QMessageBox.warning(
            self, "Allow the model's own code?",
            "Some models ship their own Python code. Allowing it runs that code on this "
            "computer, with your permissions: it could read or change your files.\n\n"
            "Only allow it for a model from a source you trust. It stays allowed until you untick it or close TL Studio.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _on_advanced_toggled(self, shown: bool) -> None:
        self.advanced_panel.setVisible(shown)
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def apply_preset(self, name: str) -> None:
        values = PRESETS.get(name)
        if values is None:
            return
        for spin, key in ((self.epochs, "epochs"), (self.batch_size, "batch_size"),
                          (self.learning_rate, "learning_rate")):
            spin.blockSignals(True)
            spin.setValue(values[key])
            spin.blockSignals(False)
        self.patience.setValue(values.get("early_stopping_patience") or 0)
        self.preset.setCurrentText(name)

    def _on_preset_chosen(self) -> None:
        self.apply_preset(self.preset.currentText())

    def _on_knob_changed(self) -> None:
        self.preset.setCurrentText("Custom")

    def remember(self) -> None:
        """Store the basic choices as the next session's starting point (QSettings)."""
        from tlstudio.gui import settings

        settings.set_last_choice("train", {
            "preset": self.preset.currentText(), "epochs": self.epochs.value(),
            "batch_size": self.batch_size.value(), "learning_rate": self.learning_rate.value(),
            "max_length": self.max_length.value()})

    def restore(self) -> None:
        """Bring back the choices of the last run, if any."""
        from tlstudio.gui import settings

        last = settings.last_choice("train")
        if not isinstance(last, dict):
            return
        try:
            for spin, key in ((self.epochs, "epochs"), (self.batch_size, "batch_size"),
                              (self.learning_rate, "learning_rate"),
                              (self.max_length, "max_length")):
                spin.blockSignals(True)
                spin.setValue(type(spin.value())(last[key]))
                spin.blockSignals(False)
            self.preset.setCurrentText(str(last.get("preset", "Custom")))
        except (KeyError, TypeError, ValueError):
            self.apply_preset("Balanced")

    def set_devices(self, devices: list[Any]) -> None:
        """Offer each detected device with its name and memory."""
        while self.device.count() > 1:
            self.device.removeItem(1)
        for info in devices:
            memory = f", {info.memory_bytes / 2**30:.0f} GB" if info.memory_bytes else ""
            self.device.addItem(f"{info.name}{memory}", info.key)

    def fill_config(self, config: RunConfig) -> RunConfig:
        """Copy the widgets' values into ``config`` and return it."""
        config.epochs = float(self.epochs.value())
        config.batch_size = int(self.batch_size.value())
        config.learning_rate = float(self.learning_rate.value())
        max_length = int(self.max_length.value())
        config.max_length = max(8, max_length) if max_length else None
        config.device = str(self.device.currentData() or "auto")
        config.optimizer = self.optimizer.currentText()
        config.scheduler = self.scheduler.currentText()
        config.warmup_ratio = float(self.warmup.value())
        config.weight_decay = float(self.weight_decay.value())
        config.grad_accumulation = int(self.accumulation.value())
        config.class_weights = self.class_weights.isChecked()
        config.early_stopping_patience = int(self.patience.value()) or None
        strategy = self.strategy.currentData()
        config.strategy = f"freeze-{self.freeze_layers.value()}" if strategy == "freeze" else strategy
        config.head_dropout = float(self.dropout.value()) or None
        config.precision = self.precision.currentText()
        config.logging_steps = int(self.logging_steps.value())
        config.evals_per_epoch = int(self.evals.value())
        config.trust_remote_code = self.trust_remote_code.isChecked()
        return config
