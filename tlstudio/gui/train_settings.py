"""The training knobs: presets, the basic ones in view, the advanced ones folded away.

Every widget is generated from the :class:`RunConfig` schema (its range, default, label and
help), so the GUI cannot drift from the CLI and the saved config.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tlstudio.core.evaluation.format import learning_rate
from tlstudio.core.settings.config import PRESETS, RunConfig
from tlstudio.core.settings.schema import Field, default_of, field_of, label_of, settings_fields
from tlstudio.gui.estimate_lines import (
    PRESET_TIMES_TIP,
    EstimateInputs,
    preset_times,
    preset_tip,
    strategies_line,
)
from tlstudio.gui.pages.base import label, named
from tlstudio.gui.spin_words import CompactDoubleSpinBox, WordDoubleSpinBox, WordSpinBox, word_box

CHOICE_TEXT = {("device", "auto"): "Automatic (best available)",
               ("long_texts", "truncate"): "Cut them: read only the start",
               ("long_texts", "chunks-mean"): "Read every part, average what they say",
               ("long_texts", "chunks-max"): "Read every part, a label wins if any part says so",
               ("long_texts", "auto"): "Automatic (parts when many rows are long, chosen on validation)"}
STRATEGY_CHOICES = (("Fine-tune everything", "full"), ("Train the head only", "frozen"),
                    ("Freeze the lowest layers", "freeze"), ("LoRA adapters (large models)", "lora"))
FREEZE_TIP = "How many of the lowest layers to freeze."


def tooltip_of(f: Field) -> str:
    """The schema's help as a sentence."""
    text = f.metadata["help"]
    return text[:1].upper() + text[1:] + "."


LADDER = (1.0, 2.0, 3.0, 5.0)


class ScientificSpinBox(QDoubleSpinBox):
    """A learning-rate box that reads and writes ``5e-5`` (as every learning rate reads:
    ``format.learning_rate``) and steps 1, 2, 3, 5 × 10ⁿ."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(12)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt API
        return "0" if value <= 0 else learning_rate(value)

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


def make_widget(f: Field) -> QWidget:
    """The widget a setting's ``kind`` asks for, with its range, default, label and tooltip."""
    meta, kind, default = f.metadata, f.metadata["kind"], default_of(f)
    widget: Any
    if kind == "bool":
        widget = QCheckBox(label_of(f))
        widget.setChecked(bool(default))
    elif kind == "choice":
        widget = QComboBox()
        for choice in meta["choices"] if f.name != "device" else ("auto",):  # devices: detected
            widget.addItem(CHOICE_TEXT.get((f.name, choice), choice), choice)
        widget.setCurrentIndex(widget.findData(default))
    elif kind == "text":
        widget = QLineEdit(default or "")
        widget.setPlaceholderText(meta.get("none_text") or "")
    elif meta.get("none_text"):  # the lowest value stands for None ("auto", "never"): typed too
        widget = word_box(kind, meta["none_text"], label_of(f), meta["range"][0])
    else:
        widget = {"rate": ScientificSpinBox, "int": QSpinBox}.get(kind, CompactDoubleSpinBox)()
    if isinstance(widget, QDoubleSpinBox | QSpinBox):
        if kind in ("float", "ratio"):
            widget.setDecimals(meta.get("decimals", 2))
        low, high = meta["range"]
        if meta.get("none_text"):  # the lowest value stands for None ("auto", "never")
            low = 0
            widget.setSpecialValueText(meta["none_text"])
        widget.setRange(low, high)
        widget.setSingleStep(meta.get("step", 1))
        widget.setValue(low if default is None else default)
    return named(widget, meta["widget"], label_of(f), tooltip_of(f))


def widget_value(f: Field, widget: Any) -> Any:
    """What a generated widget holds, as the setting's value."""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QLineEdit):
        return widget.text().strip() or None
    value = widget.value()
    if f.metadata.get("none_text") and value == widget.minimum():
        return None
    value = max(value, f.metadata["range"][0])  # the boxes never hold less (spin_words); a guard
    return int(value) if f.metadata["kind"] == "int" else float(value)


def set_widget_value(f: Field, widget: Any, value: Any) -> None:
    """Show ``value`` in a generated widget (None as its "auto"/"never" text)."""
    widget.blockSignals(True)
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(0, widget.findData(value)))
    elif isinstance(widget, QLineEdit):
        widget.setText(value or "")
    else:
        widget.setValue(widget.minimum() if value is None else value)
    widget.blockSignals(False)


class TrainSettings(QWidget):
    """Widgets ⇄ the training fields (groups basic and advanced) of a :class:`RunConfig`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widgets: dict[str, Any] = {}
        for f in settings_fields("basic", "advanced"):
            self.widgets[f.name] = self._strategy_widget(f) if f.name == "strategy" else make_widget(f)
        w = self.widgets
        self.epochs, self.batch_size, self.learning_rate = w["epochs"], w["batch_size"], w["learning_rate"]
        self.max_length, self.device = w["max_length"], w["device"]
        self.patience = w["early_stopping_patience"]
        self.strategy, self.trust_remote_code = w["strategy"], w["trust_remote_code"]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        basic = QGroupBox("Training")
        form = QFormLayout(basic)
        self.preset = named(QComboBox(), "presetCombo", "Preset",
                            "Quick: one pass to see if it works. Balanced: the usual choice. "
                            "Thorough: more epochs, a gentler learning rate.")
        self.preset.addItems([*PRESETS, "Custom"])
        form.addRow("Preset", self.preset)
        self.preset_times = named(QLabel(""), "presetTimes", "How long each preset takes")
        self.preset_times.setWordWrap(False)  # short lines; wrapped, the scrolled form gave it one line
        self.preset_times.setProperty("role", "hint")
        form.addRow(self.preset_times)  # the whole row: the field column alone was too narrow
        self.estimate = named(label("", "hint", wrap=True), "strategyEstimate",
                              "Memory and time of each strategy")
        form.addRow(self.estimate)
        self._estimate_inputs: EstimateInputs | None = None
        self._auto_length: int | None = None  # the max length "auto" stands for with this data
        self._plans: dict[str, dict[str, Any]] = {}  # preset name -> settings planned for this data
        self._steps: dict[str, int] = {}  # preset name -> the training steps its plan takes
        self._add_rows(form, "basic")
        layout.addWidget(basic)
        layout.addWidget(self._advanced_box())
        self.preset.activated.connect(self._on_preset_chosen)
        for spin in (self.epochs, self.batch_size, self.learning_rate):
            spin.valueChanged.connect(self._on_knob_changed)
        self.trust_remote_code.toggled.connect(self._on_trust_toggled)
        self.strategy.currentIndexChanged.connect(self._show_estimate)
        for name in ("batch_size", "max_length", "epochs", "lora_rank", "grad_accumulation", "evals_per_epoch"):
            w[name].valueChanged.connect(self._show_estimate)
        self.confirm_remote_code = self._ask_remote_code  # replaceable in tests
        self.apply_preset("Balanced")
        self.restore()

    def _strategy_widget(self, f: Field) -> QComboBox:
        combo = named(QComboBox(), f.metadata["widget"], label_of(f), tooltip_of(f))
        for text, key in STRATEGY_CHOICES:
            combo.addItem(text, key)
        self.freeze_layers = named(QSpinBox(), "freezeLayersSpin", "Frozen layers", FREEZE_TIP)
        self.freeze_layers.setRange(1, 48)
        self.freeze_layers.setValue(2)
        return combo

    def _add_rows(self, form: QFormLayout, group: str) -> None:
        for f in settings_fields(group):
            widget = self.widgets[f.name]
            form.addRow("" if isinstance(widget, QCheckBox) else label_of(f), widget)
            if f.name == "strategy":
                form.addRow("Frozen layers", self.freeze_layers)
            if isinstance(widget, WordSpinBox | WordDoubleSpinBox):  # what to type, under the box
                note = named(label("", "warning", wrap=True), f"{f.metadata['widget']}Note",
                             f"{label_of(f)}: what to type")
                note.hide()
                widget.entry_checked.connect(partial(self._show_entry_note, note))
                form.addRow(note)

    @staticmethod
    def _show_entry_note(note: QLabel, text: str) -> None:
        note.setText(text)
        note.setVisible(bool(text))

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
        self._add_rows(QFormLayout(inner), "advanced")
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

    def value_of(self, name: str) -> Any:
        """The value the widget for setting ``name`` holds."""
        if name == "strategy":
            key = self.strategy.currentData()
            return f"freeze-{self.freeze_layers.value()}" if key == "freeze" else key
        return widget_value(field_of(name), self.widgets[name])

    def set_value(self, name: str, value: Any) -> None:
        """Show ``value`` for setting ``name``."""
        if name == "strategy":
            layers = RunConfig(strategy=value).strategy_layers()
            self.strategy.setCurrentIndex(self.strategy.findData("freeze" if layers is not None else value))
            if layers is not None:
                self.freeze_layers.setValue(max(1, layers))
            return
        set_widget_value(field_of(name), self.widgets[name], value)

    def set_auto_length(self, length: int | None) -> None:
        """The max length a run left at "auto" picks for the data at hand (None: not known, the
        estimate assumes 128); the box says it, e.g. "auto (48)"."""
        self._auto_length = length
        auto = field_of("max_length").metadata["none_text"]
        self.max_length.setSpecialValueText(f"{auto} ({length})" if length else auto)

    def set_estimate_inputs(self, model: Any, train_rows: int, classes: int, device: str,
                            val_rows: int = 0) -> None:
        """The model (a ModelInfo), rows and device the memory and time estimate is for."""
        self._estimate_inputs = EstimateInputs(model, train_rows, classes, device, val_rows)
        self._show_estimate()

    def plan_inputs(self) -> list[Any]:
        """The signals of the settings the presets' plans are timed with: replan on each."""
        return [self.max_length.valueChanged, self.device.currentIndexChanged,
                self.strategy.currentIndexChanged, self.freeze_layers.valueChanged]

    def _show_estimate(self) -> None:
        config = self.fill_config(RunConfig())
        config.max_length = config.max_length or self._auto_length
        text = strategies_line(config, self._estimate_inputs)
        self.estimate.setText(text or "")
        self.estimate.setVisible(bool(text))

    def set_plans(self, plans: dict[str, Any]) -> None:
        """Presets planned for the data and model at hand (name -> :class:`Plan`), with their times.

        The shown preset is applied again so its values fit the new data; empty: the fixed presets.
        """
        self._plans = {name: plan.settings() for name, plan in plans.items()}
        self._steps = {name: plan.updates for name, plan in plans.items()}
        self.preset_times.setText(preset_times(plans))
        self.preset_times.setToolTip(PRESET_TIMES_TIP)
        for i in range(self.preset.count()):
            self.preset.setItemData(i, preset_tip(plans.get(self.preset.itemText(i))), Qt.ItemDataRole.ToolTipRole)
        if self.preset.currentText() in self._plans:
            self.apply_preset(self.preset.currentText())

    def apply_preset(self, name: str) -> None:
        values = self._plans.get(name) or PRESETS.get(name)
        if values is None:
            return
        for key, value in values.items():
            self.set_value(key, value)
        self.epochs.show_planned(self._steps.get(name) if name in self._plans else None)
        self.preset.setCurrentText(name)
        self._show_estimate()  # set quietly above: the strategies' line times the preset's values

    def _on_preset_chosen(self) -> None:
        self.apply_preset(self.preset.currentText())

    def _on_knob_changed(self) -> None:
        self.preset.setCurrentText("Custom")
        self.epochs.show_planned(None)  # the plan's steps no longer hold

    def apply_advice(self, advice_id: str, run_dir: str | None) -> None:
        """A verdict's one-click fix: twice the epochs or half the learning rate of the run shown
        (``run_dir``), or class weights on; the preset becomes Custom."""
        if advice_id == "class_weights":
            self.set_value("class_weights", True)
        elif advice_id in ("train_longer", "lower_learning_rate"):
            key, factor = ("epochs", 2.0) if advice_id == "train_longer" else ("learning_rate", 0.5)
            value = float(self.value_of(key))
            if run_dir is not None:
                from tlstudio.core.runs.store import RunFolder

                folder = RunFolder(run_dir)
                if folder.has_config():
                    value = getattr(folder.config(), key)
            self.set_value(key, min(100.0, value * factor))
        self._on_knob_changed()

    def remember(self) -> None:
        """Store the basic choices as the next session's starting point (QSettings)."""
        from tlstudio.gui import settings

        settings.set_last_choice("train", {
            "preset": self.preset.currentText(),
            **{key: self.value_of(key) for key in ("epochs", "batch_size", "learning_rate", "max_length")}})

    def restore(self) -> None:
        """Bring back the choices of the last run, if any."""
        from tlstudio.gui import settings

        last = settings.last_choice("train")
        if not isinstance(last, dict):
            return
        try:
            for key in ("epochs", "batch_size", "learning_rate", "max_length"):
                value = last[key]
                self.set_value(key, None if value is None else type(self.widgets[key].value())(value))
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
        """Copy the widgets' values into ``config`` (every basic and advanced setting) and return it."""
        for f in settings_fields("basic", "advanced"):
            setattr(config, f.name, self.value_of(f.name))
        config.device = str(config.device or "auto")
        return config
