"""Typed exceptions whose message a user can act on."""


class TLStudioError(Exception):
    """Base class: ``str(error)`` is a complete, user-facing sentence."""


class DataError(TLStudioError):
    """The data file can't be read or doesn't fit the task."""


class ModelError(TLStudioError):
    """A model can't be found, downloaded or loaded."""


class TrainingError(TLStudioError):
    """A training run failed in a way the user can fix."""


class RunFolderError(TLStudioError):
    """A run folder is missing, incomplete or can't be written."""


class JobCancelled(TLStudioError):
    """The user (or closing the window) asked a job to stop; it stopped between two pieces."""
