"""Fine-tuning with the transformers Trainer: ``run_training`` turns a RunConfig into a run folder."""

from tlstudio.core.training.runner import RunResult, run_training

__all__ = ["RunResult", "run_training"]
