"""Helpers that drive the window the way a person does."""

from __future__ import annotations

import csv
import random
from pathlib import Path


def drop_file(qtbot, win, path: Path) -> None:
    """Drag-and-drop ``path`` onto the window, the way a person does."""
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    centre = win.rect().center()
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, drop)


TRAIN_TIMEOUT = 240_000


def load_data(qtbot, win, path: Path) -> None:
    """Drop ``path`` on the window and wait until the Data page has inspected it."""
    drop_file(qtbot, win, path)
    qtbot.waitUntil(lambda: win.state.has_data, timeout=120_000)


def open_runs(qtbot, win, count: int):
    """The Runs page, once its table lists ``count`` runs."""
    win.show_page("runs")
    page = win.pages["runs"]
    qtbot.waitUntil(lambda: page.runs_list.rowCount() == count, timeout=60_000)
    return page


def pick_model(qtbot, win, model_dir: Path) -> None:
    """Add the tiny model folder on the Model page and select it."""
    win.show_page("model")
    page = win.pages["model"]
    page.add_folder(str(model_dir))
    def row_of_folder() -> int | None:
        names = [page.model_list.item(i).text() for i in range(page.model_list.count())]
        return next((i for i, n in enumerate(names) if model_dir.name in n), None)

    qtbot.waitUntil(lambda: row_of_folder() is not None, timeout=120_000)  # not just any listing
    row = row_of_folder()
    page.model_list.setCurrentRow(row)
    assert win.state.model.path == str(model_dir)


def set_quick(win, epochs: float = 2.0) -> None:
    """Small, fast training settings for the tiny model."""
    settings = win.pages["train"].settings
    settings.epochs.setValue(epochs)
    settings.batch_size.setValue(16)
    settings.learning_rate.setValue(1e-3)
    settings.max_length.setValue(32)
    settings.device.setCurrentIndex(settings.device.findData("auto"))


POSITIVE = "good great excellent love nice best wonderful superb fine happy".split()
NEGATIVE = "bad terrible awful hate poor worst horrible dreadful sad broken".split()
FILLER = "the food service phone movie place was really very it this and so".split()


def flipped_csv(path, n: int = 200, flips: int = 10) -> list[int]:
    """A CSV whose label follows its sentiment words, ``flips`` labels flipped; their file rows."""
    rng = random.Random(0)
    rows = []
    for i in range(n):
        words = rng.sample(POSITIVE if i % 2 else NEGATIVE, 2) + rng.sample(FILLER, 4)
        rng.shuffle(words)
        rows.append([" ".join(words), "pos" if i % 2 else "neg"])
    flipped = sorted(random.Random(1).sample(range(n), flips))
    for i in flipped:
        rows[i][1] = "neg" if rows[i][1] == "pos" else "pos"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return [i + 2 for i in flipped]  # the header is row 1


class GapMeter:
    """The longest wait, in ms, between ticks of a 10 ms timer: how long the event loop froze."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.longest = 0
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._on_tick)

    def __enter__(self) -> GapMeter:
        self._clock.start()
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.stop()

    def _on_tick(self) -> None:
        self.longest = max(self.longest, self._clock.restart())


def drawn_contrast(image) -> float:
    """The WCAG contrast of text as drawn in ``image`` (a QImage): its commonest colour (the
    background) against the colour that stands out from it most (the strokes of the text)."""
    import numpy as np
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = array[:, : image.width() * 4].reshape(-1, 4)[:, 2::-1].astype(float) / 255  # BGRA -> RGB
    linear = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    colours, counts = np.unique(linear @ np.array([0.2126, 0.7152, 0.0722]), return_counts=True)
    background = colours[counts.argmax()]
    high = np.maximum(colours, background) + 0.05
    low = np.minimum(colours, background) + 0.05
    return float((high / low).max())


def advice_button(qtbot, win, run, advice_id: str):
    """Open ``run`` on the Evaluate page, as the Runs page does, and wait for the verdict's
    ``advice_id`` button; returns (the Evaluate page, the button)."""
    win.state.set_run(str(run))
    win.show_page("evaluate")
    page = win.pages["evaluate"]
    qtbot.waitUntil(lambda: page.verdict.button(advice_id) is not None, timeout=60_000)
    return page, page.verdict.button(advice_id)
