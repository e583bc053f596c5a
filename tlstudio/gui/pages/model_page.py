"""Model page: the models at hand (bundled first), their facts, folders and hub downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from tlstudio.gui import jobs, settings
from tlstudio.gui.pages.base import Page, label, named
from tlstudio.gui.state import AppState
from tlstudio.gui.workers import FunctionWorker, WorkerHost

SOURCE_WORDS = {"bundled": "bundled, works offline", "folder": "local folder",
                "cache": "Hugging Face cache", "hub": "Hugging Face hub"}
OFFLINE_TEXT = ("Offline: downloads are off. The bundled model, local folders and cached "
                "models still work.")
ONLINE_TEXT = "Type a model id from huggingface.co and click Download."


def human_bytes(size: int | None) -> str:
    if not size:
        return "unknown"
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return str(size)


def human_count(count: int | None) -> str:
    if not count:
        return "unknown"
    return f"{count / 1e6:,.1f} million" if count >= 1e6 else f"{count:,}"


class ModelPage(Page):
    """Pick the pretrained model to fine-tune."""

    def __init__(self, state: AppState, host: WorkerHost, parent: QWidget | None = None) -> None:
        super().__init__("Model", "The bundled model works offline and is a good start. "
                         "Add a model folder, or download one from the Hugging Face hub.", parent)
        self._state = state
        self._host = host
        self._models: list[Any] = []
        self._loaded = False
        self._select_path: str | None = None  # a folder just added: select it once listed
        self._downloading = False
        self._build()

    def _build(self) -> None:
        self.model_list = named(QListWidget(), "modelList", "Models")
        self.model_list.currentRowChanged.connect(self._on_model_selected)
        self.add_folder_button = add_folder = named(
            QPushButton("Add folder…"), "addFolderButton", "Add a model folder",
            "A folder with config.json, weights and a tokenizer")
        add_folder.clicked.connect(self._on_add_folder_clicked)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.model_list, 1)
        left_layout.addWidget(add_folder)

        facts = QGroupBox("About this model")
        self.facts = QFormLayout(facts)
        self.fact_labels: dict[str, Any] = {}
        for key in ("Name", "Source", "Architecture", "Parameters", "Size on disk",
                    "Max length", "Layers", "Hidden size"):
            value = label(wrap=True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fact_labels[key] = value
            self.facts.addRow(key, value)
        self.description = label(wrap=True, role="hint")
        self.facts.addRow(self.description)

        hub = QGroupBox("Download from the Hugging Face hub")
        hub_layout = QVBoxLayout(hub)
        row = QHBoxLayout()
        self.hub_edit = named(QLineEdit(), "hubIdEdit", "Hub model id",
                              "e.g. distilbert-base-uncased")
        self.hub_edit.setPlaceholderText("e.g. distilbert-base-uncased")
        self.download_button = named(QPushButton("Download"), "downloadButton")
        self.download_button.clicked.connect(self._on_download_clicked)
        self.hub_edit.returnPressed.connect(self._on_download_clicked)
        row.addWidget(self.hub_edit, 1)
        row.addWidget(self.download_button)
        self.download_progress = QProgressBar()
        self.download_progress.hide()
        self.hub_status = label(wrap=True, role="hint")
        self.offline_check = named(
            QCheckBox("Work offline (never use the network)"), "offlineCheck",
            "Work offline (never use the network)",
            "Downloads are refused before any connection; the bundled model, local folders "
            "and cached models still work. Remembered for next time.")
        hub_layout.addWidget(self.offline_check)
        hub_layout.addLayout(row)
        hub_layout.addWidget(self.download_progress)
        hub_layout.addWidget(self.hub_status)
        from tlstudio.core.models.catalog import hub_offline, set_offline

        if settings.offline_mode() and not hub_offline():
            set_offline(True)  # the stored choice (run_app applies it too; a window may be alone)
        # Ticked too when offline mode came from --offline or the environment (HF_HUB_OFFLINE=1).
        self.offline_check.setChecked(hub_offline())
        self.offline_check.toggled.connect(self._on_offline_toggled)
        self._show_hub_state()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(facts)
        right_layout.addWidget(hub)
        right_layout.addWidget(label(
            "Which model? The bundled MiniLM is small and quick, even on a CPU. Larger models "
            "(such as bert-base-uncased or roberta-base) are often a few points more accurate "
            "but train several times slower; on a CPU start with the bundled one.",
            "hint", wrap=True))
        right_layout.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 700])
        self.body.addWidget(splitter)
        self.next_button = self.add_next_button("Next: train  →", "train")
        self.next_button.setEnabled(False)

    def refresh(self) -> None:
        """(Re)list the models in a worker; cheap, no torch."""
        folders = [str(f) for f in (settings.last_choice("model_folders", []) or [])]
        if isinstance(settings.last_choice("model_folders", []), str):
            folders = [settings.last_choice("model_folders")]
        worker = FunctionWorker(jobs.list_models, folders)
        worker.succeeded.connect(self._on_models_listed)
        worker.failed.connect(self.banner.show_error)
        self._host.start(worker, latest="models")

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        from tlstudio.core.models.catalog import hub_offline

        if self.offline_check.isChecked() != hub_offline():  # switched elsewhere meanwhile
            self.offline_check.blockSignals(True)
            self.offline_check.setChecked(hub_offline())
            self.offline_check.blockSignals(False)
            self._show_hub_state()
        if not self._loaded:
            self._loaded = True
            self.refresh()

    def _on_models_listed(self, models: list[Any]) -> None:
        if not self._host.is_current(self.sender()):
            return  # an older listing finished after a newer one was asked for
        self._models = list(models)
        self.model_list.blockSignals(True)
        self.model_list.clear()
        greyed = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for info in self._models:
            source = SOURCE_WORDS.get(info.source, info.source)
            if info.problem:  # listed, so the user sees it is there and why it can't be used
                item = QListWidgetItem(warning, f"{info.name}\nCan't be used · {source}")
                item.setForeground(greyed)
            else:
                item = QListWidgetItem(f"{info.name}\n{source}"
                                       f" · {human_count(info.parameters)} parameters")
            item.setToolTip(info.description or info.name)
            self.model_list.addItem(item)
        self.model_list.blockSignals(False)
        added, self._select_path = self._select_path, None
        row = self._row_of(added, None) if added else None
        if row is None and self._state.model is not None:
            row = self._row_of(self._state.model.path, self._state.model.name)
        self.model_list.setCurrentRow(row or 0)

    def _row_of(self, path: str | None, name: str | None) -> int | None:
        """The list row of the model at ``path`` (or, without a path, named ``name``)."""
        for row, info in enumerate(self._models):
            if path and info.path and Path(info.path) == Path(path):
                return row
            if not path and name is not None and info.name == name:
                return row
        return None

    def _on_model_selected(self, row: int) -> None:
        if not 0 <= row < len(self._models):
            return
        info = self._models[row]
        values = {
            "Name": info.name, "Source": SOURCE_WORDS.get(info.source, info.source),
            "Architecture": info.architecture, "Parameters": human_count(info.parameters),
            "Size on disk": human_bytes(info.size_bytes),
            "Max length": f"{info.max_length} tokens" if info.max_length else "unknown",
            "Layers": str(info.num_layers or "unknown"),
            "Hidden size": str(info.hidden_size or "unknown"),
        }
        for key, value in values.items():
            self.fact_labels[key].setText(value)
        description = info.description
        if getattr(info, "needs_remote_code", False):
            description += ("\nThis model ships its own Python code. Training it needs "
                            "'Allow the model's own code' in the advanced training settings.")
        self.description.setText(description.strip())
        if info.problem:
            self._refuse(info)
            return
        self.banner.hide()
        self.next_button.setEnabled(True)
        self._state.set_model(info)

    def _refuse(self, info: Any) -> None:
        """Say inline why ``info`` can't be used; the chosen model stays what it was."""
        chosen = self._state.model
        if chosen is not None and chosen.path and info.path and Path(chosen.path) == Path(info.path):
            self._state.set_model(None)  # the chosen model's files broke since it was picked
            chosen = None
        then = f" Still using {chosen.name}." if chosen is not None else " Pick another model."
        self.banner.show_error(f"Can't use {info.name}: {info.problem}{then}")
        self.next_button.setEnabled(chosen is not None)

    def _on_add_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a model folder")
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        """Remember ``folder`` as a model source, relist and select it.

        A folder whose files are broken is listed too, marked, and can't be chosen.
        """
        from tlstudio.core.models.catalog import is_model_folder

        if not is_model_folder(Path(folder)):
            self.banner.show_error(f"'{folder}' is not a model folder: it needs a config.json "
                                   "and weights (model.safetensors or pytorch_model.bin).")
            return
        self.banner.hide()
        folders = [str(f) for f in (settings.last_choice("model_folders", []) or [])]
        settings.set_last_choice("model_folders", [folder] + [f for f in folders if f != folder])
        self._select_path = folder
        self.refresh()

    def _on_offline_toggled(self, on: bool) -> None:
        from tlstudio.core.models.catalog import set_offline

        set_offline(on)
        settings.set_offline_mode(on)
        self._show_hub_state()

    def _show_hub_state(self) -> None:
        """Hub id and Download usable only online; the status line says which it is."""
        offline = self.offline_check.isChecked()
        self.hub_edit.setEnabled(not offline)
        self.download_button.setEnabled(not offline and not self._downloading)
        if self._downloading:
            return  # the download's own status stays
        self.hub_status.setText(OFFLINE_TEXT if offline else ONLINE_TEXT)

    def _on_download_clicked(self) -> None:
        hub_id = self.hub_edit.text().strip()
        if not hub_id:
            self.hub_status.setText("Type a model id first, e.g. distilbert-base-uncased.")
            return
        from tlstudio.core.models.catalog import download_model

        self._downloading = True
        self.download_button.setEnabled(False)
        self.download_progress.setRange(0, 0)
        self.download_progress.show()
        self.hub_status.setText(f"Downloading {hub_id}…")
        worker = FunctionWorker(download_model, hub_id, with_progress=True)
        worker.progressed.connect(self._on_download_progressed)
        worker.succeeded.connect(self._on_download_succeeded)
        worker.failed.connect(self._on_download_failed)
        self._host.start(worker)

    def _on_download_progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.download_progress.setRange(0, 1000)
            self.download_progress.setValue(int(1000 * done / total))
            self.download_progress.setFormat(f"{human_bytes(done)} of {human_bytes(total)}")

    def _on_download_succeeded(self, info: Any) -> None:
        self._downloading = False
        self.download_button.setEnabled(not self.offline_check.isChecked())
        self.download_progress.hide()
        if info.problem:  # listed and selected, so the page says what is wrong with it
            self.hub_status.setText(f"Downloaded {info.name}, but it can't be used.")
            self._select_path = info.path
        else:
            self.hub_status.setText(f"Downloaded {info.name}.")
            self._state.set_model(info)
        self.refresh()

    def _on_download_failed(self, message: str, details: str) -> None:
        self._downloading = False
        self.download_button.setEnabled(not self.offline_check.isChecked())
        self.download_progress.hide()
        self.hub_status.setText(message)
