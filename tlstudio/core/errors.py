"""Typed exceptions whose message a user can act on."""


class TLStudioError(Exception):
    """Base class: ``str(error)`` is a complete, user-facing sentence."""


class DataError(TLStudioError):
    """The data file can't be read or doesn't fit the task."""


class RolesNotFound(DataError):
    """No column looks like the text (``role="text"``) or the label (``role="label"``).

    ``str()`` is the CLI's sentence (it names the option to use); :attr:`reason` says only what
    was not found, for a window to add its own words. :attr:`loaded` is the file as read, set by
    ``inspect_file`` so a window can show the columns to pick from.
    """

    def __init__(self, role: str, reason: str, option: str) -> None:
        super().__init__(f"{reason} Name it with {option}.")
        self.role = role
        self.reason = reason
        self.loaded: object | None = None


class ModelError(TLStudioError):
    """A model can't be found, downloaded or loaded."""


class TrainingError(TLStudioError):
    """A training run failed in a way the user can fix."""


class RunFolderError(TLStudioError):
    """A run folder is missing, incomplete or can't be written."""


class JobCancelled(TLStudioError):
    """The user (or closing the window) asked a job to stop; it stopped between two pieces."""
