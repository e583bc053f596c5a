"""Every file of the malformed-input corpus dropped on one window: loaded or refused, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

from gui_helpers import drop_file

BAD = Path(__file__).parents[1] / "data" / "bad"
EXPECTED: dict[str, dict] = json.loads((BAD / "EXPECTED.json").read_text(encoding="utf-8"))


def test_the_whole_bad_corpus_dropped_one_after_another(window, qtbot, sentiment_csv):
    data = window.pages["data"]
    outcomes: dict[str, str] = {}
    for name, expected in sorted(EXPECTED.items()):
        path = (BAD / name).resolve()

        def settled(path: Path = path) -> bool:
            loaded = window.state.data_path and Path(window.state.data_path).resolve() == path
            asks = data.role_needed_for and Path(data.role_needed_for).resolve() == path
            return bool(data.banner.isVisible() or loaded or asks)

        drop_file(qtbot, window, path)
        qtbot.waitUntil(settled, timeout=60_000)
        if data.role_needed_for:  # read, but no text or label column found: the user picks it
            message = data.blocked_note.text()
            assert expected["message"].lower() in message.lower(), (name, message)
            assert "--" not in message  # the window's words, not the CLI's options
            outcomes[name] = "refused"
        elif data.banner.isVisible():
            message = data.banner.message.text()
            assert expected["message"].lower() in message.lower(), (name, message)
            assert "Traceback" not in message
            outcomes[name] = "refused"
        else:
            assert window.state.report.loaded.num_rows == expected["rows"], name
            assert data.model.rowCount() == min(expected["rows"], data.model.rowCount())
            outcomes[name] = "loaded"
        assert window.current_page() == "data"
    assert outcomes == {name: e["outcome"] for name, e in EXPECTED.items()}
    # Still usable: a good file loads as if nothing had happened.
    drop_file(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: window.state.data_path == str(sentiment_csv) and not data.banner.isVisible(),
                    timeout=60_000)
    assert data.model.rowCount() == 120
