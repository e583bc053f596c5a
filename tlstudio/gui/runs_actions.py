"""The Runs page's actions on the selected runs: rename, notes, delete with Undo, open, resume,
show the folder, copy as a command.

A mixin of :class:`tlstudio.gui.pages.runs_page.RunsPage` (its only user): the page builds the
table, buttons and undo bar and keeps the listing; these slots act on what is selected there.
Every write goes through ``RunFolder``; a refused one is shown in the page's banner.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QTableWidgetItem

from tlstudio.core.runs.resume import can_resume
from tlstudio.gui.runs_table import NAME, RUN_DIR
from tlstudio.gui.workers import FunctionWorker, describe_error


def _release(held: list[Any]) -> None:
    from tlstudio.core.runs import trash

    for item in held:
        trash.release(item)


class RunActions:
    """The Runs page's button, key and edit slots (mixed into ``RunsPage``, which sets every
    attribute used here: ``runs_list``, ``notes_edit``, ``undo_bar``, ``_runs``, ``_held``...)."""

    # --- name and notes ---------------------------------------------------------------------
    def _on_rename_clicked(self) -> None:
        rows = self.runs_list.selected_rows()
        if len(rows) == 1:
            self.runs_list.setFocus()
            self.runs_list.editItem(self.runs_list.item(rows[0], NAME))

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        """The Name cell was edited: that is the run's new name ("" or the folder's: no name)."""
        if self._filling or item.column() != NAME:
            return
        run = self._runs.get(str(item.data(RUN_DIR)))
        if run is None:
            return
        title = " ".join(item.text().split())
        title = "" if title == run.name else title
        if title == run.title:
            return
        if self._write(lambda folder: folder.rename(title), run):
            run.title = title
        self._fill_table([str(r.run_dir) for r in self._selected_runs()])
        if self._selected_runs():
            self._on_selection_changed()  # the comparison names runs too

    def _show_notes(self, run: Any | None) -> None:
        self.notes_edit.blockSignals(True)
        self.notes_edit.setPlainText(run.notes if run is not None else "")
        self.notes_edit.blockSignals(False)
        self.save_notes_button.setEnabled(False)
        self.save_notes_button.setText("Save notes")

    def _on_notes_text_changed(self) -> None:
        selected = self._selected_runs()
        changed = len(selected) == 1 and self.notes_edit.toPlainText().strip() != selected[0].notes
        self.save_notes_button.setEnabled(changed)
        self.save_notes_button.setText("Save notes")

    def _on_save_notes_clicked(self) -> None:
        selected = self._selected_runs()
        if len(selected) != 1:
            return
        run, text = selected[0], self.notes_edit.toPlainText().strip()
        if self._write(lambda folder: folder.set_notes(text), run):
            run.notes = text
            self.save_notes_button.setEnabled(False)
            self.save_notes_button.setText("Notes saved")
            self._fill_table([str(run.run_dir)])

    def _write(self, action: Any, run: Any) -> bool:
        """A small write through RunFolder (a few bytes of JSON); its error shown inline."""
        from tlstudio.core.errors import TLStudioError
        from tlstudio.core.runs.store import RunFolder

        try:
            action(RunFolder(run.run_dir))
        except (TLStudioError, OSError) as exc:
            self.banner.show_error(*describe_error(exc))
            return False
        return True

    # --- delete and undo ----------------------------------------------------------------------
    def _on_delete_clicked(self) -> None:
        from tlstudio.core.errors import RunFolderError
        from tlstudio.core.runs.store import RunFolder

        selected = self._selected_runs()
        if not selected:
            return
        self._release_held()  # the previous deletion can no longer be undone
        held, refused = [], []
        for run in selected:
            try:
                held.append(RunFolder(run.run_dir).move_to_trash())  # a rename: instant
            except RunFolderError as exc:
                refused.append(str(exc))
        for item in held:
            self._runs.pop(str(item.original), None)
        self._held = held
        self.runs_list.clearSelection()
        self._fill_table([])
        self.empty.setVisible(not self._runs)
        if refused:
            self.banner.show_error(" ".join(refused))
        if held:
            names = [run.label for run in selected if str(run.run_dir) in {str(h.original) for h in held}]
            what = f"'{names[0]}'" if len(names) == 1 else f"{len(names)} runs"
            self.undo_text.setText(f"Deleted {what}: it goes to the system trash, where it can still "
                                   "be restored." if len(names) == 1 else
                                   f"Deleted {what}: they go to the system trash, where they can still "
                                   "be restored.")
            self.undo_bar.show()
            self.undo_button.setFocus()

    def _on_undo_clicked(self) -> None:
        from tlstudio.core.errors import RunFolderError
        from tlstudio.core.runs import trash

        held, self._held = self._held, []
        self.undo_bar.hide()
        failed = []
        for item in held:
            try:
                trash.restore(item)
            except RunFolderError as exc:
                failed.append(str(exc))
        if failed:
            self.banner.show_error(" ".join(failed))
        self.refresh()

    def _release_held(self) -> None:
        """Undo is no longer offered: the deleted runs go on to the system trash (in a worker)."""
        self.undo_bar.hide()
        held, self._held = self._held, []
        if held:
            self._host.start(FunctionWorker(_release, held))

    def _on_app_about_to_quit(self) -> None:
        held, self._held = self._held, []
        _release(held)

    # --- opening ------------------------------------------------------------------------------
    def _on_table_double_clicked(self, _index: Any) -> None:
        self._on_open_clicked()

    def _on_open_clicked(self) -> None:
        selected = self._selected_runs()
        if len(selected) == 1:
            self.run_opened.emit(str(selected[0].run_dir))

    def _on_resume_clicked(self) -> None:
        selected = self._selected_runs()
        if len(selected) == 1 and can_resume(selected[0]) and not self._state.training:
            self.resume_requested.emit(str(selected[0].run_dir))

    def _on_folder_clicked(self) -> None:
        selected = self._selected_runs()
        if selected:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(selected[0].run_dir)))

    def _on_command_clicked(self) -> None:
        from tlstudio.core.runs.store import RunFolder
        from tlstudio.core.settings.command import fresh_run_command

        selected = self._selected_runs()
        if selected:
            command = fresh_run_command(RunFolder(selected[0].run_dir).config())
            QGuiApplication.clipboard().setText(command)
            self.show_note(f"Copied: {command}")
