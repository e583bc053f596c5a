"""Training throughput measured on this computer: remembered after each run, or probed before one.

The plan's default throughput (``plan.DEFAULT_SAMPLES_PER_SECOND`` scaled by model size and
length) is a guess about an unknown machine: on the 2-core development CPU it promised 2.2 min
for a Balanced run that took 1.1 min when the machine was idle, and was 5x optimistic when it
was loaded. So:

* after every finished run, its pure training samples/s (validation passes left out: the plan
  times those separately) is remembered in ``throughput.json`` in the TL Studio home folder,
  keyed by device kind, model, strategy and max-length bucket, with the host it ran on;
* before a planned run, the runner times a few real training steps (:func:`probe`) when that
  costs under :data:`PROBE_SHARE` of the run, and the plan uses the probe;
* when no probe is worth it (a short run), the remembered figure is used: the median of the
  last :data:`KEEP` runs of the closest kind, so one run under load doesn't set it.

Why the probe wins over remembered runs: measured in bench/results/estimate-20261201.md, the
probe was within 30 % of the actual time in 3 of 3 runs (ratios 0.91, 1.21, 1.22); a figure
remembered from a single earlier run was 45 % over once (that run shared the machine for a
minute). A probe sees the machine as it is now; a remembered run, as it was then. run.json
keeps every figure considered (``speed.considered``: default, measured, probe).

A remembered figure for another length, strategy or model still says how fast this machine is:
it is carried over with the default's scaling (longer texts and larger models are slower).
"""

from __future__ import annotations

import math
import socket
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tlstudio.core.training.plan import throughput

FILE_NAME = "throughput.json"
KEEP = 5  # measurements kept per key; the median of them is used (one run under load is an outlier)
MAX_AGE_DAYS = 60  # older measurements may be of a machine since changed
PROBE_STEPS = 3  # timed steps, after one warm-up step
PROBE_SHARE = 0.05  # a probe is skipped when it would cost more than this share of the training
PROBE_MIN_SECONDS = 60.0  # runs planned shorter than this are not probed: the error is seconds
MIN_STEPS = 10  # a run shorter than this is mostly warm-up: not remembered
WORK_SHARE = {"full": 1.0, "lora": 0.75, "frozen": 0.35}  # of a full step (estimate.py measures it)


@dataclass
class Speed:
    """Training samples/s for one run's model, strategy and length, and where the figure came from."""

    samples_per_second: float
    source: str  # "measured" (remembered from earlier runs), "probe" (timed now) or "default"
    detail: str = ""
    eval_samples_per_second: float | None = None
    full_samples_per_second: float | None = None  # the same work as a full-model step (estimate.py)
    match: int = 4  # 0 this model/strategy/length ... 3 another model; 4 none (see remembered)

    @property
    def measured(self) -> bool:
        return self.source != "default"

    def note(self) -> str:
        """What the time estimate rests on, in words: appended to "≈ 3 min on this CPU"."""
        from tlstudio.core.training.plan import speed_note

        return speed_note(self.source)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def length_bucket(max_length: int | None) -> int:
    """Max lengths are remembered in powers of two from 16 (64 and 100 are both 128)."""
    return max(16, 2 ** math.ceil(math.log2(max(1, max_length or 128))))


def work_share(strategy: str) -> float:
    """A step's compute under ``strategy`` as a share of a full step (freeze-N: about half)."""
    return WORK_SHARE.get(strategy, 0.6)


def default_speed(device: str, params: int | None, max_length: int | None, strategy: str = "full") -> float:
    """The plan's guess for ``strategy`` (a frozen body runs forward only, so more samples/s)."""
    return throughput(device.split(":")[0], params, max_length or 128) / work_share(strategy)


def store_path() -> Path:
    from tlstudio.core.system.paths import home

    return home() / FILE_NAME


def _load() -> list[dict[str, Any]]:
    import json

    try:
        records = json.loads(store_path().read_text(encoding="utf-8")).get("records", [])
    except (OSError, ValueError, AttributeError):
        return []  # none yet, or unreadable: the next run writes a fresh one
    return [r for r in records if isinstance(r, dict) and _number(r.get("samples_per_second"))]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def _key(record: dict[str, Any]) -> tuple:
    return (record.get("host"), record.get("device"), record.get("model"), record.get("strategy"),
            record.get("length"))


def remember(device: str, model: str, params: int | None, strategy: str, max_length: int | None,
             samples_per_second: float, eval_samples_per_second: float | None = None) -> None:
    """Add a finished run's measured training samples/s (the newest :data:`KEEP` per key stay)."""
    from tlstudio.core.atomic import write_json

    record = {"host": socket.gethostname(), "device": device.split(":")[0], "model": model,
              "params": params, "strategy": strategy, "length": length_bucket(max_length),
              "samples_per_second": round(samples_per_second, 3),
              "eval_samples_per_second": round(eval_samples_per_second, 3) if eval_samples_per_second else None,
              "when": datetime.now(UTC).isoformat(timespec="seconds")}
    records = _load() + [record]
    same = [r for r in records if _key(r) == _key(record)]
    records = [r for r in records if _key(r) != _key(record) or r in same[-KEEP:]]
    write_json(store_path(), {"version": 1, "records": records})


def _age_days(record: dict[str, Any], now: datetime) -> float:
    try:
        return (now - datetime.fromisoformat(record["when"])).total_seconds() / 86400
    except (KeyError, TypeError, ValueError):
        return math.inf


def remembered(device: str, model: str | None, params: int | None, strategy: str,
               max_length: int | None) -> Speed | None:
    """The remembered speed for this run, carried over from the closest measurements (None: none).

    Closest first: this model, strategy and length; then other lengths; other strategies; other
    models. Each measurement is scaled by the default's ratio between it and this run.
    """
    kind, host, now = device.split(":")[0], socket.gethostname(), datetime.now(UTC)
    records = [r for r in _load() if r.get("host") == host and r.get("device") == kind
               and _age_days(r, now) <= MAX_AGE_DAYS]
    if not records:
        return None
    bucket = length_bucket(max_length)

    def level(r: dict[str, Any]) -> int:
        if r.get("model") != model:
            return 3
        return 0 if (r.get("strategy"), r.get("length")) == (strategy, bucket) else (
            1 if r.get("strategy") == strategy else 2)

    best = min(level(r) for r in records)
    chosen = [r for r in records if level(r) == best][-KEEP:]
    target = default_speed(kind, params, bucket, strategy)

    def scaled(r: dict[str, Any], field: str) -> float | None:
        value = r.get(field)
        if not _number(value):
            return None
        return value * target / default_speed(kind, r.get("params") or params, r.get("length"), r.get("strategy") or "full")

    speed = statistics.median(s for r in chosen if (s := scaled(r, "samples_per_second")))
    evals = [s for r in chosen if (s := scaled(r, "eval_samples_per_second"))]
    days = min(_age_days(r, now) for r in chosen)
    what = ("this model and settings", "this model at another max length", "this model with another "
            "strategy", "another model")[best]
    when = "today" if days < 1 else f"{days:.0f} days ago"
    detail = f"{len(chosen)} earlier run{'s' if len(chosen) > 1 else ''} of {what}, the last {when}"
    return Speed(round(speed, 2), "measured", detail, round(statistics.median(evals), 2) if evals else None,
                 round(speed * work_share(strategy), 2), best)


def speed_for(device: str, model: str | None, params: int | None, strategy: str,
              max_length: int | None) -> Speed:
    """The remembered speed, else the default guess (what the GUI shows before Start: no probe)."""
    found = remembered(device, model, params, strategy, max_length)
    if found is not None:
        return found
    guess = default_speed(device, params, max_length, strategy)
    return Speed(round(guess, 2), "default", "", None, round(guess * work_share(strategy), 2))


def measured_run_speed(log_history: list[dict[str, Any]], train_seconds: float,
                       samples: int) -> tuple[float | None, float | None]:
    """(training samples/s with validation passes left out, validation samples/s) of a finished run."""
    evals = [e for e in log_history if "eval_runtime" in e]
    eval_seconds = sum(float(e["eval_runtime"]) for e in evals)
    rates = [float(e["eval_samples_per_second"]) for e in evals if _number(e.get("eval_samples_per_second"))]
    training = train_seconds - eval_seconds
    speed = samples / training if training > 0 and samples > 0 else None
    return speed, (statistics.median(rates) if rates else None)


def run_speed(config: Any, data: Any, info: Any, model: Any, tokenizer: Any, device: str,
              precision: str) -> tuple[Speed, dict[str, Any]]:
    """The speed a planned run is timed with, and what was considered (for run.json).

    A probe of the real model on the real data when it costs little (it was the closer
    estimate: see the module docstring); otherwise the remembered runs' median, else the guess.
    """
    from tlstudio.core.training.plan import plan_run
    from tlstudio.core.training.tokenize import training_texts

    found = speed_for(device, info.name, info.parameters, config.strategy, config.max_length)
    considered: dict[str, Any] = {
        "default": round(default_speed(device, info.parameters, config.max_length, config.strategy), 2)}
    if found.measured:
        considered["measured"] = found.samples_per_second
    train_rows = len(data.splits["train"])
    plan = plan_run(train_rows, max(1, len(data.label_names)), device, config.preset or "balanced",
                    info.parameters, max_length=config.max_length or 128,
                    samples_per_second=found.samples_per_second)
    batch = plan.batch_size if "batch_size" in config.planned else config.batch_size
    train_seconds = plan.updates * plan.batch_size / found.samples_per_second
    if not worth_probing(train_seconds, 2 * (PROBE_STEPS + 1) * batch / found.samples_per_second):
        return found, considered
    texts, pairs = training_texts(data)
    rate = _probe_strategy(config.strategy, model, tokenizer, texts, pairs, batch, config.max_length or 128,
                           device, precision)
    considered["probe"] = round(rate, 2)
    # validation passes aren't probed: a remembered validation speed still times them
    probed = probed_speed(rate, config.strategy, f"{PROBE_STEPS} training steps of batch {batch} timed before "
                          "the run", found.eval_samples_per_second)
    return probed, considered


def probed_speed(rate: float, strategy: str, detail: str, eval_samples_per_second: float | None) -> Speed:
    """The Speed of ``rate`` training samples/s under ``strategy``, timed just now (the speed probe
    before the run, or the GPU's batch probe); validation passes keep a remembered figure."""
    return Speed(round(rate, 2), "probe", detail, eval_samples_per_second, round(rate * work_share(strategy), 2), 4)


def _probe_strategy(strategy: str, model: Any, tokenizer: Any, texts: list[str], pairs: list[str] | None,
                    batch: int, max_length: int, device: str, precision: str) -> float:
    """:func:`probe` under ``strategy``: frozen layers set for the probe (the Trainer sets them again);
    LoRA, which wraps the model, from the full model's speed and the work a LoRA step saves."""
    from tlstudio.core.training.strategies import apply_strategy

    model.to(device)
    if strategy in ("full", "lora"):
        return probe(model, tokenizer, texts, pairs, batch, max_length, device, precision) / work_share(strategy)
    apply_strategy(model, strategy)
    try:
        return probe(model, tokenizer, texts, pairs, batch, max_length, device, precision)
    finally:
        apply_strategy(model, "full")


def worth_probing(train_seconds: float, probe_seconds: float) -> bool:
    """A probe pays when the run is long enough to matter and the probe is a small part of it."""
    return train_seconds >= PROBE_MIN_SECONDS and probe_seconds <= PROBE_SHARE * train_seconds


def probe(model: Any, tokenizer: Any, texts: list[str], pairs: list[str] | None, batch_size: int,
          max_length: int, device: str, precision: str = "fp32", steps: int = PROBE_STEPS) -> float:
    """Training samples/s of ``model`` on batches of these texts: 1 warm-up + ``steps`` timed steps.

    Forward and backward only: no optimizer step, so the weights are unchanged; the gradients
    are dropped and the RNG state restored, so the run that follows is the one it would have been.
    Batches hold rows of similar length, as the length-grouped sampler makes them.
    """
    import random

    import torch

    picked = random.Random(0).sample(range(len(texts)), min(len(texts), batch_size * (steps + 1)))
    encoded = tokenizer([texts[i] for i in picked], [pairs[i] for i in picked] if pairs else None,
                        truncation=True, max_length=max_length)
    order = sorted(range(len(picked)), key=lambda i: len(encoded["input_ids"][i]))
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)][:steps + 1]
    rng = torch.get_rng_state()
    cuda_rng = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    was_training = model.training
    model.train()
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision)
    timings = []
    try:
        for batch in batches:
            inputs = tokenizer.pad({k: [v[i] for i in batch] for k, v in encoded.items()}, return_tensors="pt")
            inputs = {k: v.to(device) for k, v in inputs.items()}
            started = time.perf_counter()
            with torch.autocast(device.split(":")[0], dtype=dtype, enabled=dtype is not None):
                logits = model(**inputs).logits
            logits.float().square().mean().backward()  # any loss: the cost is the backward pass
            _sync(device)
            timings.append((time.perf_counter() - started, len(batch)))
    finally:
        model.zero_grad(set_to_none=True)
        model.train(was_training)
        torch.set_rng_state(rng)
        if cuda_rng is not None:
            torch.cuda.set_rng_state_all(cuda_rng)
    timed = timings[1:] or timings
    return sum(n for _, n in timed) / max(1e-9, sum(s for s, _ in timed))


def _sync(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()
    elif device.startswith("mps"):
        torch.mps.synchronize()
