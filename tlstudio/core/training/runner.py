"""``run_training``: one fine-tuning run from a RunConfig to a complete run folder."""

from __future__ import annotations

import dataclasses
import os
import socket
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.errors import TLStudioError, TrainingError
from tlstudio.core.events import (
    FailedEvent,
    FinishedEvent,
    Observer,
    RunControl,
    StatusEvent,
    null_observer,
)
from tlstudio.core.runs.folder import CHECKPOINTS
from tlstudio.core.runs.store import RunFolder, RunStatus
from tlstudio.core.settings.config import RunConfig
from tlstudio.core.training.failure import claim, failure_message, record_failure
from tlstudio.core.training.schedule import disk_needed, world
from tlstudio.core.training.sizing import (
    fit_batch,
    memory_adjuster,
    plan_run_settings,
    probes_batch,
    remember_speed,
    speed_after_probe,
)


@dataclass
class RunResult:
    """Where the run went, its test metrics, and whether the user stopped it early."""

    run_dir: Path
    metrics: dict[str, Any] = field(default_factory=dict)
    stopped: bool = False


def resolve_run_dir(config: RunConfig) -> Path:
    """The run folder: ``config.output_dir`` or a fresh one under the runs folder."""
    from tlstudio.core.runs.folder import default_run_dir
    from tlstudio.core.system.paths import runs_dir

    _, size = world()
    if config.output_dir:
        return Path(config.output_dir).expanduser().resolve()
    if size > 1:
        raise TrainingError("Under torchrun, name the run folder with --out so every process uses the same one.")
    return default_run_dir(runs_dir(), config.data_path or "data", config.model)


def run_training(
    config: RunConfig,
    observer: Observer = null_observer,
    control: RunControl | None = None,
    *,
    resume: bool = False,
    restart: bool = False,
) -> RunResult:
    """Fine-tune, evaluate and write a complete run folder; emits events to ``observer``.

    With ``resume``, ``config.output_dir`` must name an unfinished run folder that has a
    checkpoint; training continues from it with optimizer, scheduler and RNG state. With
    ``restart``, an unfinished run there that can't be resumed is cleared and trained afresh.
    The folder is locked for the whole run: a second run into it is refused.
    Raises :class:`TLStudioError` (after a :class:`FailedEvent`) when the run fails.
    """
    rank, _ = world()
    emit = observer if rank == 0 else null_observer
    run_dir: Path | None = None
    lock = None
    created = False
    try:
        config = dataclasses.replace(config, extra=dict(config.extra))
        config.validate()
        for attr in ("data_path", "test_file"):  # absolute, so resume and repeat work from anywhere
            value = getattr(config, attr)
            if value and Path(value).exists():
                setattr(config, attr, str(Path(value).resolve()))
        run_dir = resolve_run_dir(config)
        if rank == 0:
            created = not run_dir.exists()
            lock = claim(run_dir, resume, restart)
        config.output_dir = str(run_dir)
        return _run(config, emit, control or RunControl(), resume, run_dir)
    except BaseException as exc:
        message = failure_message(exc, run_dir)
        if lock is not None and run_dir is not None:
            record_failure(run_dir, exc, message, created)
        try:  # after the folder is cleaned and marked: a closed stdout must not stop that
            emit(FailedEvent(message=message, details=traceback.format_exc()))
        except Exception:  # noqa: BLE001, S110 - the failure itself is what gets raised
            pass
        if isinstance(exc, TLStudioError | KeyboardInterrupt):
            raise
        raise TrainingError(message) from exc
    finally:
        if lock is not None:
            lock.release()


HUGE_CELL = 100_000  # characters: far beyond what a model reads, and heavy in every report


def check_prepared(data: PreparedData) -> list[str]:
    """DataError when the data can't train a classifier; warnings for reports that grow large."""
    from tlstudio.core.errors import DataError
    from tlstudio.core.evaluation.metrics import MAX_REPORT_CLASSES, TOP_K_SCORES

    classes = len(data.label_names)
    if data.task in ("binary", "multiclass"):
        seen = len(set(data.splits["train"]["label"]))
        if classes < 2 or seen < 2:
            raise DataError("This data can't be trained on: every training row has the same label; "
                            "a classifier needs at least two classes. Add rows with another label.")
    warnings = []
    if classes > MAX_REPORT_CLASSES:
        warnings.append(
            f"{classes:,} classes: training and evaluation take longer and need more memory. Reports "
            f"keep per-class scores for the {MAX_REPORT_CLASSES} most frequent classes, no confusion "
            f"matrix, and the {TOP_K_SCORES} likeliest classes per test row.")
    longest = max((len(t) for t in data.splits["train"]["text"]), default=0)
    if longest > HUGE_CELL:
        warnings.append(f"A training text has {longest:,} characters: only its first tokens are read, "
                        "and the reports repeat it in full. Check the text column.")
    return warnings


def _prepare(config: RunConfig, emit: Observer) -> tuple[PreparedData, Any, Any, dict]:
    """Data, model info, tokenizer and fit report; fills the config's inferred fields."""
    from tlstudio.core.models.catalog import download_model, resolve_model
    from tlstudio.core.models.fit import model_fit
    from tlstudio.core.models.loading import load_tokenizer
    from tlstudio.core.training.tokenize import training_texts

    info = resolve_model(config.model)  # first: a wrong model name fails before the data is read
    emit(StatusEvent(message=f"Reading {config.data_path}…"))
    from tlstudio.core.data import load_prepared

    data = load_prepared(config)
    for split in ("train", "test"):
        if len(data.splits[split]) == 0:
            raise TrainingError(f"The {split} split is empty: the file needs more labelled rows.")
    for warning in check_prepared(data):
        emit(StatusEvent(message=warning, level="warning"))
    config.task, config.text_columns = data.task, list(data.text_columns)
    config.label_columns = list(data.label_columns)
    if data.label_values:  # named classes (given, or from classes.txt): the run records both
        config.class_names, config.label_values = list(data.label_names), list(data.label_values)
    if info.path is None:
        emit(StatusEvent(message=f"Downloading {info.name}…"))
        info = download_model(info.name, lambda done, total: emit(
            StatusEvent(message=f"Downloading {info.name}: {done / 1e6:.0f} of {total / 1e6:.0f} MB")))
    emit(StatusEvent(message=f"Loading tokenizer of {info.name}…"))
    tokenizer = load_tokenizer(info.path, trust_remote_code=config.trust_remote_code)
    texts, pairs = training_texts(data)
    fit = model_fit(texts, tokenizer, config.max_length, pairs)
    if config.max_length is None:
        config.max_length = fit.suggested_max_length
        emit(StatusEvent(message=f"Max length {config.max_length} tokens (covers 95% of training rows)."))
    from tlstudio.core.inference.chunks import can_chunk
    from tlstudio.core.models.fit import without_cut_off
    from tlstudio.core.training.long_texts import settle_before_training

    count, line = settle_before_training(config, texts, pairs, tokenizer)
    if config.long_texts != "truncate" and can_chunk(tokenizer):  # read in parts, not cut: said below
        fit.warnings = without_cut_off(fit.warnings)
    for warning in fit.warnings:
        emit(StatusEvent(message=warning, level="warning"))
    if line:
        emit(StatusEvent(message=line))
    report = fit.to_dict()
    report["long_rows"] = count.to_dict()
    # what the time estimate counts: windows when long rows are read in parts
    report["train_examples"] = count.windows if config.long_texts != "truncate" else len(texts)
    return data, info, tokenizer, report


def _run(
    config: RunConfig, emit: Observer, control: RunControl, resume: bool, run_dir: Path
) -> RunResult:
    from tlstudio.core.models.loading import (
        check_checkpoint,
        check_tokenizer_matches,
        init_regression_head,
        load_classifier,
    )
    from tlstudio.core.runs import folder as runfolder
    from tlstudio.core.system.device import choose_device, choose_precision
    from tlstudio.core.training.phases import PhaseClock

    clock = PhaseClock()
    store = RunFolder(run_dir)
    if resume:
        config = dataclasses.replace(store.config(), output_dir=str(run_dir))
        runfolder.check_data_unchanged(run_dir, store.info().data_sha256)
        check_checkpoint(runfolder.latest_checkpoint(run_dir) or run_dir / "checkpoints")
        emit(StatusEvent(message=f"Resuming {run_dir.name} from its last checkpoint…"))
    data, info, tokenizer, fit = _prepare(config, emit)
    clock.mark("read data and tokenizer")
    device = choose_device(config.device)
    precision = choose_precision(config.precision, device)
    rank, size = world()
    meta = {"name": run_dir.name, "model": info.name, "task": data.task, "device": device,
            "precision": precision, "fit_warnings": fit["warnings"], "long_rows": fit["long_rows"],
            "world_size": size,
            "pid": os.getpid(), "host": socket.gethostname(),  # so a dead run reads "interrupted"
            "data_sha256": runfolder.data_fingerprints([config.data_path, config.test_file])}
    planned = set(config.planned)
    if rank == 0:
        runfolder.check_writable(run_dir)
        runfolder.check_free_space(run_dir, disk_needed(info, config, resume))
        store.write_status(RunStatus.RUNNING, **meta)
        store.write_config(config)
    emit(StatusEvent(message=f"Loading {info.name}…"))
    from transformers import set_seed

    set_seed(config.seed)  # a new head's weights come from the global RNG: same seed, same start
    model, new_weights = load_classifier(
        info.path, task=data.task, label_names=data.label_names,
        head_dropout=config.head_dropout, trust_remote_code=config.trust_remote_code,
    )
    check_tokenizer_matches(model, tokenizer, info.path)
    if new_weights and not resume and data.task != "regression":  # resume: the checkpoint has it
        emit(StatusEvent(message=f"New classification head ({len(new_weights)} tensors) starts untrained, as expected."))
    if new_weights:
        if data.task == "regression":
            labels = data.splits["train"]["label"]
            init_regression_head(model, sum(labels) / len(labels))
    clock.mark("load model")
    from tlstudio.core.training.estimate import run_estimates_line
    from tlstudio.core.training.speed import speed_for

    speed, plan = speed_for(device, info.name, info.parameters, config.strategy, config.max_length), None
    if not resume and config.preset is not None and config.planned:
        speed, plan = plan_run_settings(config, data, info, model, tokenizer, device, precision, meta, emit)
        if rank == 0:
            store.write_status(RunStatus.RUNNING, **meta)
            store.write_config(config)
        clock.mark("plan")
    classes, val_rows = max(1, len(data.label_names)), len(data.splits["validation"])
    if (line := run_estimates_line(config, info, fit["train_examples"], classes, device, speed,
                                   val_rows)) is not None:
        emit(StatusEvent(message=line))
    if not resume and "batch_size" in planned and probes_batch(device, size):
        batch = config.batch_size
        probe = fit_batch(config, data, model, device, precision, "learning_rate" in planned, meta, emit, store)
        if (retimed := speed_after_probe(config, data, probe, batch, speed, plan, meta, emit)) is not speed:
            if (line := run_estimates_line(config, info, fit["train_examples"], classes, device,
                                           retimed, val_rows)) is not None:
                emit(StatusEvent(message=line))  # the estimate again, for the batch the run uses
            store.write_status(RunStatus.RUNNING, **meta)
        clock.mark("batch probe")
    from tlstudio.core.training.setup import build_trainer

    on_memory_adjust = memory_adjuster(config, run_dir, meta, emit) if rank == 0 else None
    trainer, bridge = build_trainer(config, data, model, tokenizer, device, precision, emit, control,
                                    on_memory_adjust)
    clock.mark("tokenize")
    checkpoint = runfolder.latest_checkpoint(run_dir) if resume else None
    emit(StatusEvent(message=f"Training on {device} ({precision}), {len(data.splits['train'])} examples…",
                     phase="training"))
    train_metrics = _train(trainer, checkpoint, emit)
    clock.mark("train")
    stopped = bridge.stopped
    shipped = None
    if rank == 0 and config.preset is not None and not stopped:  # the default path, not explicit settings
        from tlstudio.core.training.embedding_path import small_data_choice

        trained = trainer.accelerator.unwrap_model(trainer.model)
        shipped = small_data_choice(config, data, info.path, tokenizer, trained, trainer.state.log_history, meta,
                                    emit, unk_share=fit.get("unk_share"))
    meta["train_seconds"] = round(train_metrics.get("train_runtime", 0.0), 2)
    meta["train_samples_per_second"] = train_metrics.get("train_samples_per_second")
    if rank == 0 and not resume:
        remember_speed(config, info, device, trainer, meta)
    trainer.accelerator.wait_for_everyone()
    if rank != 0:
        return RunResult(run_dir, {}, stopped)
    return _finish(config, data, trainer, tokenizer, run_dir, {**meta, "stopped": stopped}, emit,
                   unk_share=fit.get("unk_share"), clock=clock, model=shipped)


def _train(trainer: Any, checkpoint: Path | None, emit: Observer) -> dict[str, Any]:
    """``trainer.train()``; a stop during a validation pass keeps the best checkpoint so far."""
    import time

    from tlstudio.core.training.callbacks import EvaluationStopped

    started = time.perf_counter()
    try:
        return trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None).metrics
    except EvaluationStopped:
        best = trainer.state.best_model_checkpoint
        if best and Path(best).is_dir():
            emit(StatusEvent(message="Stopped during validation: keeping the best model so far."))
            trainer._load_best_model()
        else:
            emit(StatusEvent(message="Stopped during validation: keeping the model as it is now."))
        return {"train_runtime": time.perf_counter() - started}


def _finish(
    config: RunConfig, data: PreparedData, trainer: Any, tokenizer: Any, run_dir: Path,
    meta: dict[str, Any], emit: Observer, unk_share: float | None = None, clock: Any = None, model: Any | None = None,
) -> RunResult:
    """Save the (best) model, evaluate on the test split, write records, mark complete."""
    from tlstudio.core.evaluation.metrics import main_metric
    from tlstudio.core.inference.predictor import Predictor
    from tlstudio.core.models.loading import quiet_libraries
    from tlstudio.core.runs import folder as runfolder
    from tlstudio.core.settings.command import repeat_command
    from tlstudio.core.training.report import write_reports

    emit(StatusEvent(message="Saving the model…", phase="finishing"))
    quiet_libraries()  # the Trainer re-enables hub progress bars when it finishes
    from tlstudio.core.training.lora import merged

    model = model if model is not None else merged(trainer.accelerator.unwrap_model(trainer.model))  # LoRA: merged
    store = RunFolder(run_dir)
    store.save_model(model, tokenizer)
    store.write_history(trainer.state.log_history)
    if clock is not None:
        clock.mark("save model")
    emit(StatusEvent(message="Evaluating on the test split and running baselines…"))
    # Reload from disk: the trained object may still carry the Trainer's autocast wrapper, and
    # test predictions must be exactly what `tlstudio predict` gives for this folder.
    predictor = Predictor.load(run_dir, trust_remote_code=config.trust_remote_code)
    from tlstudio.core.training.long_texts import settle_after_training

    if (choice := settle_after_training(config, predictor, data.splits["validation"], data.task)) is not None:
        store.write_config(config)  # prediction, export and the repeat command read the choice
        meta["long_texts"] = config.long_texts
        meta["long_texts_choice"] = choice  # the verdict says it, with each mode's validation score
        emit(StatusEvent(message=choice["text"]))
    meta["repeat_command"] = repeat_command(config)
    test_logits, calibration = _calibrate(predictor, data, store, emit)
    metrics = write_reports(run_dir, config, data, predictor, meta, trainer.state.log_history, unk_share,
                            test_logits=test_logits, calibration=calibration)
    if not config.keep_checkpoints:
        store.remove_checkpoints()
    if clock is not None:
        clock.mark("test split, baselines and reports")
        meta["phases"] = clock.to_dict()
    name = main_metric(data.task)
    value = metrics["model"].get(name)
    store.write_status(RunStatus.COMPLETE, **meta, main_metric=name, main_metric_value=value,
                       finished=runfolder.now_iso())
    emit(FinishedEvent(run_dir=str(run_dir), metrics=metrics["model"], stopped=meta["stopped"],
                       verdict=meta.get("verdict")))
    return RunResult(run_dir, metrics, meta["stopped"])


def _calibrate(predictor: Any, data: PreparedData, store: RunFolder,
               emit: Observer) -> tuple[Any, dict[str, Any] | None]:
    """Fit the temperature on validation and save it with the model (before the test report, so
    test probabilities are the calibrated ones ``tlstudio predict`` gives); the test logits too."""
    from tlstudio.core.insight.calibrate_run import report_for

    if data.task == "regression" or len(data.splits["validation"]) < 2:
        return None, None
    try:  # part of "Evaluating on the test split": the validation split is predicted too
        report, test_logits = report_for(predictor, data)
    except Exception as exc:  # noqa: BLE001 - a calibration problem must not fail a trained run
        emit(StatusEvent(message=f"Probabilities not calibrated ({exc}); predictions use the model's "
                         "own probabilities.", level="warning"))
        return None, None
    store.write_calibration(report.calibration())
    return test_logits, report.to_dict()


__all__ = ["RunResult", "run_training", "CHECKPOINTS"]
