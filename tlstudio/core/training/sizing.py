"""The run's batch and pace settled while it runs: the preset's plan timed with this computer's
speed, the batch fitted to the GPU, a batch split after running out of memory, and the speed
remembered for the next plan.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from tlstudio.core.data.prepared import PreparedData
from tlstudio.core.events import Observer, StatusEvent
from tlstudio.core.runs.store import RunFolder
from tlstudio.core.settings.config import RunConfig
from tlstudio.core.training.schedule import world


def plan_run_settings(config: RunConfig, data: PreparedData, info: Any, model: Any, tokenizer: Any, device: str,
                      precision: str, meta: dict[str, Any], emit: Observer) -> tuple[Any, Any]:
    """Apply the preset's plan, timed with this computer's measured speed (training/speed.py).

    Returns the speed (a ``training.speed.Speed``) the plan used, and the plan (None when nothing
    was planned).
    """
    from tlstudio.core.training.preset import apply_plan, plan_line, plan_record
    from tlstudio.core.training.speed import run_speed

    speed, considered = run_speed(config, data, info, model, tokenizer, device, precision)
    plan = apply_plan(config, data, device, info.parameters, speed)
    meta["speed"] = {**speed.to_dict(), "considered": considered}
    if plan is not None:
        plan = replace(plan, learning_rate=config.learning_rate)  # the run's: the user's when given
        line = plan_line(config, data, plan)
        meta["plan"] = plan_record(config, plan, line)
        emit(StatusEvent(message=line))
    return speed, plan


def remember_speed(config: RunConfig, info: Any, device: str, trainer: Any, meta: dict[str, Any]) -> None:
    """Remember this run's training samples/s for the next plan on this computer (training/speed.py)."""
    from tlstudio.core.training.speed import MIN_STEPS, measured_run_speed, remember

    _, size = world()
    steps = trainer.state.global_step
    samples = steps * config.batch_size * config.grad_accumulation * size
    speed, eval_speed = measured_run_speed(trainer.state.log_history, meta["train_seconds"], samples)
    meta["measured_speed"] = {"train_samples_per_second": speed and round(speed, 2),
                              "eval_samples_per_second": eval_speed and round(eval_speed, 2)}
    if speed is None or steps < MIN_STEPS:
        return
    try:
        remember(device, info.name, info.parameters, config.strategy, config.max_length, speed, eval_speed)
    except OSError:  # a read-only home must not fail a trained run: the next plan guesses
        pass


def probes_batch(device: str, world_size: int) -> bool:
    """True on a single GPU, where the batch is probed (device_batch.py): the CPU keeps the plan's
    batch, a larger one is no faster per sample there; under torchrun every process must agree."""
    return device.startswith("cuda") and world_size == 1


def fit_batch(config: RunConfig, data: PreparedData, model: Any, device: str, precision: str,
              scale_lr: bool, meta: dict[str, Any], emit: Observer, store: RunFolder) -> Any:
    """Replace the planned batch with the largest that fits the GPU and pays (device_batch.py).

    Returns the probe (a ``device_batch.BatchProbe``).
    """
    from tlstudio.core.training.device_batch import fit_batch_to_device, probe_line

    emit(StatusEvent(message="Measuring the batch size this GPU trains fastest with…"))
    probe = fit_batch_to_device(config, len(data.splits["train"]), model, device, precision,
                                max(1, len(data.label_names)), scale_lr)
    meta["batch_probe"] = probe.to_dict()
    store.write_config(config)
    emit(StatusEvent(message=probe_line(probe, config.learning_rate)))
    return probe


def speed_after_probe(config: RunConfig, data: PreparedData, probe: Any, planned_batch: int, speed: Any,
                      plan: Any, meta: dict[str, Any], emit: Observer) -> Any:
    """The speed at the batch the probe chose, with the plan re-timed and its line said again.

    The plan and the time estimate come before the probe (the speed probe times the planned
    batch), so once the probe changes the batch they are for a batch the run won't use. The probe
    timed each batch it tried: the chosen one's examples/s times the run now, in run.json too.
    Returns ``speed`` as it was when the batch stayed (or the chosen batch has no timing).
    """
    from tlstudio.core.training.device_batch import TIMED_STEPS
    from tlstudio.core.training.preset import plan_line, plan_record
    from tlstudio.core.training.speed import probed_speed, work_share

    batch = probe.batch_size
    rate = probe.rates.get(batch)
    if batch == planned_batch or not rate:
        return speed
    # the probe times a full-model step (the strategy is set later, by the Trainer's setup)
    probed = probed_speed(rate / work_share(config.strategy), config.strategy,
                          f"{TIMED_STEPS} training steps of batch {batch} at {config.max_length} tokens, timed "
                          "by the batch probe", speed.eval_samples_per_second)
    considered = {**meta.get("speed", {}).get("considered", {}), "batch_probe": round(rate, 2)}
    meta["speed"] = {**probed.to_dict(), "considered": considered}
    if plan is not None:
        before = meta.get("plan", {})
        plan = plan.rebatched(len(data.splits["train"]), batch, probed.samples_per_second, "probe")
        # the rate the run trains with: the probe scaled a planned one (fit_batch), a given one stays
        plan = replace(plan, learning_rate=config.learning_rate)
        line = plan_line(config, data, plan)
        meta["plan"] = {**plan_record(config, plan, line), "before_batch_probe": {
            k: before.get(k) for k in ("batch_size", "updates", "seconds", "line")}}
        emit(StatusEvent(message=line))
    return probed


def memory_adjuster(config: RunConfig, run_dir: Path, meta: dict[str, Any], emit: Observer) -> Any:
    """Tell the user about a batch split after running out of memory, and record it.

    The run's config gets the smaller batch size and larger accumulation, so a resumed or
    repeated run starts with what fits; the examples per update stay the same.
    """
    def adjust(per_step: int, accumulation: int) -> None:
        before = config.batch_size
        message = (
            f"Out of memory with {before} examples per step: continuing with {per_step} per step and "
            f"gradient accumulation {accumulation}, so each update still sees "
            f"{config.batch_size * config.grad_accumulation} examples."
        )
        meta.setdefault("memory_adjustments", []).append(
            {"batch_size": per_step, "grad_accumulation": accumulation, "from_batch_size": before})
        config.batch_size, config.grad_accumulation = per_step, accumulation
        RunFolder(run_dir).write_config(config)
        emit(StatusEvent(message=message, level="warning"))

    return adjust
