"""Issue 11 item 1: early stopping on the validation score ends a run, and the best model is the one kept."""

from __future__ import annotations

import dataclasses
from pathlib import Path


def test_a_falling_validation_score_stops_the_run_and_the_best_pass_is_shipped(tiny_config, monkeypatch):
    from safetensors.numpy import load_file

    import tlstudio.core.evaluation.metrics as metrics
    import tlstudio.core.training.embedding_path as embedding_path
    from tlstudio.core.runs.store import RunFolder
    from tlstudio.core.training import run_training

    scores = iter([0.9, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    real = metrics.trainer_metrics

    def scripted(task):
        compute = real(task)
        return lambda prediction: {**compute(prediction), "f1_macro": next(scores)}  # best at the first pass

    monkeypatch.setattr(metrics, "trainer_metrics", scripted)
    monkeypatch.setattr(embedding_path, "applies", lambda *a, **k: False)  # ship the fine-tuned model
    config = dataclasses.replace(tiny_config, epochs=10, evals_per_epoch=1, early_stopping_patience=2,
                                 keep_checkpoints=True, logging_steps=50)
    result = run_training(config)
    evals = [row for row in RunFolder(result.run_dir).history() if row.get("kind") == "eval"]
    first = int(evals[0]["step"])
    assert len(evals) == 3 and int(evals[-1]["step"]) == 3 * first  # stopped 2 passes after the best, not at 10 epochs
    run = Path(result.run_dir)
    kept, best = load_file(run / "model.safetensors"), load_file(run / "checkpoints" / f"checkpoint-{first}" / "model.safetensors")
    assert kept.keys() == best.keys() and all((kept[k] == best[k]).all() for k in kept)
