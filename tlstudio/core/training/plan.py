"""Training settings chosen from the data and the device, planned in optimiser updates.

Fixed epochs fail at both ends: 3 epochs of 400 rows is ~75 updates, in the middle of the
steep early climb of the validation score (measured: the note below), while 3 epochs of 200,000
rows is hours of CPU time for little gain after the first. So the plan is:

1. **Batch size** from data size, device and model size: 16 (8 under 200 rows, so a tiny set
   still gets updates; 32 for large sets on a GPU; at most 8 for models over 300 M parameters
   on a CPU, 16 on a GPU, to fit memory).
2. **Updates**: at least the preset's ``min_updates`` (quick 150, balanced 300, thorough 500,
   plus 25 per class above two), i.e. as many epochs as that takes (whole epochs from two on,
   ``epochs_to_reach``), at most 20 epochs; at
   least the preset's ``epochs`` (quick 1, balanced 2, thorough 3) and at most its
   ``max_epochs`` for sets large enough to reach the minimum in fewer; then cut to the
   preset's time budget (quick 5 min, balanced 30 min, thorough 2 h), but never under
   ``min_updates``: on a slow machine a small set takes longer rather than learning nothing.
3. **Validation passes**: the preset's total (quick 4, balanced 8, thorough 10) spread over
   the epochs (so one epoch of a large set is checked several times), never more often than
   every 10 updates; **early stopping** patience is a third of the passes (at least 2).
4. **Learning rate** by model size: 1e-4 under 50 M parameters (MiniLM-type), 5e-5 under
   200 M (BERT-base-type), 2e-5 above; the usual ranges in the literature (BERT paper grid
   2e-5 to 5e-5 for base models; small distilled models tolerate about twice that, but only
   on small sets: from 5,000 training rows they get the base models' 5e-5, measured). Half
   that for scores (regression) from under 500 training rows (measured on STS-B).
5. **Time** from a throughput figure: measured samples/s when known (remembered from earlier
   runs on this computer or timed just before the run: ``training/speed.py``), else a
   per-device default for a 22 M-parameter model at 128 tokens, scaled by parameters and
   length; the time says which ("measured" or "a guess").

Measurements behind the update count (bundled MiniLM, ``tests/data/sentiment_600.csv``:
420 training rows, batch 16, 27 updates per epoch, lr 5e-5, linear schedule) are in
``docs/training-plan.md``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

MAX_EPOCHS = 20  # tiny sets: more passes than this mostly memorise
MIN_EVAL_INTERVAL = 10  # updates between validation passes at the most frequent
REFERENCE_PARAMS = 22_700_000  # the bundled MiniLM-L6
REFERENCE_LENGTH = 128
# Training samples/s of the reference model at 128 tokens, fp32 CPU / mixed-precision GPU.
# CPU: measured on a 2-core AVX2 VM, the bundled MiniLM trained at 20.5 samples/s at ~48 tokens
# (mr_polarity), 23.1 at ~40 (UCI sentences) and 5.1 at 128 (long texts, load 2); 8 at 128
# scaled by length fits the first two within 10 %. The old 25 promised a Quick run 1.2 min that
# took 3.3. A faster machine finishes early, which beats a promise broken. GPU: a mid-range card.
DEFAULT_SAMPLES_PER_SECOND = {"cpu": 8.0, "mps": 150.0, "cuda": 800.0}
EVAL_SPEEDUP = 3.0  # a validation pass (no backward) runs about 3x faster per row
OVERHEAD_SECONDS = {"cpu": 30.0, "mps": 20.0, "cuda": 20.0}  # loading, test pass, baselines
FEW_SCORE_ROWS = 500  # regression under this many training rows: half the learning rate (measured)
MANY_ROWS = 5_000  # from this many training rows a small model's larger rate is halved (measured)
EVAL_SHARE = 0.25  # at most this share of the time budget goes to validation passes


@dataclass(frozen=True)
class Preset:
    """Time/quality trade-off: how many updates at least, epochs, validation passes, time budget."""

    min_updates: int
    epochs: float
    max_epochs: float
    evals: int
    budget_seconds: float


PRESETS = {
    "quick": Preset(min_updates=150, epochs=1.0, max_epochs=1.0, evals=4, budget_seconds=5 * 60),
    "balanced": Preset(min_updates=300, epochs=2.0, max_epochs=3.0, evals=8, budget_seconds=30 * 60),
    "thorough": Preset(min_updates=500, epochs=3.0, max_epochs=5.0, evals=10, budget_seconds=2 * 3600),
}


@dataclass
class Plan:
    """Settings for one run and why; ``settings()`` are RunConfig field values."""

    epochs: float
    updates: int
    batch_size: int
    learning_rate: float
    evals_per_epoch: int
    early_stopping_patience: int
    warmup_ratio: float
    seconds: float
    samples_per_second: float
    device: str
    reasons: list[str] = field(default_factory=list)
    speed_source: str = "default"  # "measured" (earlier runs), "probe" (timed before this run), "default"

    def settings(self) -> dict[str, Any]:
        """The RunConfig fields this plan sets (apply with ``dataclasses.replace``)."""
        keys = ("epochs", "batch_size", "learning_rate", "evals_per_epoch", "early_stopping_patience",
                "warmup_ratio")
        return {k: getattr(self, k) for k in keys}

    def time_text(self) -> str:
        """E.g. "≈ 3 min on this CPU, measured" or "... (a guess: no run measured yet)"."""
        where = {"cpu": "this CPU", "mps": "this Mac's GPU"}.get(self.device.split(":")[0], "this GPU")
        return f"{duration_text(self.seconds)} on {where}{speed_note(self.speed_source)}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "time_text": self.time_text()}

    def rebatched(self, train_rows: int, batch_size: int, samples_per_second: float, source: str) -> Plan:
        """The plan at another batch (the GPU's batch probe): the same epochs in fewer or more
        updates, the training part re-timed at ``samples_per_second``; validation and overhead stay."""
        updates = max(1, round(self.epochs * math.ceil(max(1, train_rows) / batch_size)))
        training = self.updates * self.batch_size / self.samples_per_second
        seconds = self.seconds - training + updates * batch_size / samples_per_second
        return replace(self, updates=updates, batch_size=batch_size, seconds=round(seconds, 1),
                       samples_per_second=round(samples_per_second, 2), speed_source=source)


def speed_note(source: str) -> str:
    """What a time estimate rests on, in words, appended to "≈ 3 min on this CPU"."""
    return " (a guess: no run measured yet)" if source == "default" else ", measured"


def duration_text(seconds: float) -> str:
    """Rough, human: "under a minute", "≈ 3 min", "≈ 2 h 10 min"."""
    minutes = seconds / 60
    if minutes < 1:
        return "under a minute"
    if minutes < 90:
        return f"≈ {round(minutes)} min"
    hours, rest = divmod(round(minutes), 60)
    return f"≈ {hours} h {rest} min" if rest else f"≈ {hours} h"


def choose_batch_size(train_rows: int, device: str, model_params: int | None) -> int:
    """Examples per update: small for tiny sets (more updates), larger for big sets on a GPU."""
    gpu = not device.startswith("cpu")
    batch = 8 if train_rows < 200 else 32 if gpu and train_rows >= 10_000 else 16
    if model_params is not None and model_params > 300_000_000:
        batch = min(batch, 16 if gpu else 8)
    return batch


def choose_learning_rate(model_params: int | None, score_rows: int | None = None,
                         train_rows: int | None = None) -> float:
    """Peak learning rate by model size: small distilled models take larger steps, on small sets.

    ``train_rows`` from :data:`MANY_ROWS`: a small model gets the base models' 5e-5. On the full
    sets MiniLM at 1e-4 scored 0.872 macro F1 on AG News (5,320 training rows) against 0.902 at
    5e-5, and 0.503 on the Chinese reviews (8,391 rows; early stopping ended it at a best
    validation score of 0.49) against 0.746; from 2,100 to 4,000 rows the two were within
    a point (docs/training-plan.md, "The full sets"). ``score_rows`` (training rows of a
    regression task): under :data:`FEW_SCORE_ROWS`, half the rate; on STS-B with 170 training
    rows MiniLM at 1e-4 scored 0.714 and 0.715 Pearson (two seeds) against 0.774 and 0.779 at
    5e-5; with 425 rows 0.799 against 0.811; with 850, 0.840 against 0.826."""
    params = model_params or REFERENCE_PARAMS
    rate = 1e-4 if params < 50_000_000 else 5e-5 if params < 200_000_000 else 2e-5
    if rate > 5e-5 and train_rows is not None and train_rows >= MANY_ROWS:
        rate = 5e-5
    return rate / 2 if score_rows is not None and score_rows < FEW_SCORE_ROWS else rate


def throughput(device: str, model_params: int | None, max_length: int,
               samples_per_second: float | None = None) -> float:
    """Training samples/s: the measured figure, else the device default scaled to the model."""
    if samples_per_second:
        return float(samples_per_second)
    base = DEFAULT_SAMPLES_PER_SECOND.get(device.split(":")[0], DEFAULT_SAMPLES_PER_SECOND["cpu"])
    scale = (REFERENCE_PARAMS / (model_params or REFERENCE_PARAMS)) * (REFERENCE_LENGTH / max(8, max_length))
    return base * min(scale, 8.0)  # short texts don't speed up without bound: fixed costs remain


def plan_run(
    train_rows: int,
    num_classes: int,
    device: str = "cpu",
    preset: str = "balanced",
    model_params: int | None = None,
    *,
    val_rows: int = 0,
    max_length: int = REFERENCE_LENGTH,
    samples_per_second: float | None = None,
    eval_samples_per_second: float | None = None,
    speed_source: str | None = None,
) -> Plan:
    """Plan a run; see the module docstring for the rule. ``num_classes`` is 1 for regression.

    ``samples_per_second`` (and ``eval_samples_per_second``) are measured figures; without them
    the device default is used and the plan says its time is a guess.
    """
    rules = PRESETS[preset.lower()]
    train_rows = max(1, train_rows)
    batch = choose_batch_size(train_rows, device, model_params)
    per_epoch = math.ceil(train_rows / batch)
    min_updates = rules.min_updates + 25 * max(0, num_classes - 2)
    reasons = []
    if per_epoch * rules.max_epochs >= min_updates:  # a large set: the preset's epochs
        epochs = min(max(rules.epochs, min_updates / per_epoch), rules.max_epochs)
    else:  # a small set: epochs until the minimum number of updates
        epochs = min(float(MAX_EPOCHS), epochs_to_reach(min_updates, per_epoch))
        reasons.append(f"{train_rows} training rows give {per_epoch} updates per epoch: {epochs:.3g} "
                       f"epochs reach at least {min(min_updates, round(epochs * per_epoch))} updates.")
    speed = throughput(device, model_params, max_length, samples_per_second)
    per_pass = validation_seconds(val_rows, speed, eval_samples_per_second)
    total_evals = rules.evals
    if per_pass * total_evals > EVAL_SHARE * rules.budget_seconds:  # a large validation split
        total_evals = max(2, int(EVAL_SHARE * rules.budget_seconds / per_pass))
    train_budget = rules.budget_seconds - _overhead(device) - total_evals * per_pass
    affordable = max(0.0, train_budget) * speed / train_rows
    budget = duration_text(rules.budget_seconds)[2:]
    if min_updates / per_epoch <= affordable < epochs:
        epochs = affordable
        reasons.append(f"{epochs:.2g} epochs to stay near the {budget} time budget of this preset "
                       f"at about {speed:.0f} examples/s.")
    elif affordable < epochs:  # quality first: fewer than the minimum updates would learn too little
        epochs = min(epochs, epochs_to_reach(min_updates, per_epoch))
        reasons.append(f"Longer than the {budget} time budget of this preset at about {speed:.0f} "
                       f"examples/s: fewer updates would learn too little.")
    # 300 updates of a 200,000-row set is 0.024 epochs. Cut, not rounded: the Trainer takes
    # ceil(epochs x updates per epoch) steps, so 150 / 132 = 1.13636 rounded up to 1.1364 trained 151.
    epochs = max(0.0001, math.floor(epochs * 10_000) / 10_000)
    updates = training_steps(train_rows, batch, epochs)
    total_evals = min(total_evals, max(1, updates // MIN_EVAL_INTERVAL))
    evals_per_epoch = max(1, min(math.ceil(total_evals / epochs), per_epoch // MIN_EVAL_INTERVAL or 1))
    passes = validation_passes(epochs, evals_per_epoch)
    seconds = run_seconds(updates, batch, speed, device, passes, val_rows, eval_samples_per_second)
    rate = choose_learning_rate(model_params, train_rows if num_classes == 1 else None, train_rows)
    if rate < choose_learning_rate(model_params, train_rows=train_rows):
        reasons.append(f"Scores learned from {train_rows} training rows: half the usual learning rate, "
                       f"{rate:g}, which measured steadier on few rows.")
    return Plan(epochs=epochs, updates=updates, batch_size=batch,
                learning_rate=rate, evals_per_epoch=evals_per_epoch,
                early_stopping_patience=max(2, passes // 3), warmup_ratio=0.1, seconds=round(seconds, 1),
                samples_per_second=round(speed, 2), device=device, reasons=reasons,
                speed_source=speed_source or ("measured" if samples_per_second else "default"))


def epochs_to_reach(updates: int, per_epoch: int) -> float:
    """Epochs for at least ``updates`` updates: whole epochs when it takes two or more (every row
    seen as often; rounding up adds under half), else the exact fraction. Rounded up, 1.1 epochs
    became 2: Quick planned twice its minimum just under the size where one epoch reaches it
    (2,300 training rows: 288 updates; 2,400: 150)."""
    need = updates / per_epoch
    return need if need < 2 else float(math.ceil(need))


def training_steps(train_rows: int, batch_size: int, epochs: float, accumulation: int = 1) -> int:
    """Batches a run trains on: whole updates per epoch (``accumulation`` batches each), times the epochs."""
    per_update = max(1, batch_size * accumulation)
    return max(1, round(math.ceil(max(1, train_rows) / per_update) * epochs * accumulation))


def validation_passes(epochs: float, evals_per_epoch: int) -> int:
    """Validation passes of a run: ``evals_per_epoch`` each epoch, at least one."""
    return max(1, math.floor(epochs * evals_per_epoch))


def validation_seconds(val_rows: int, samples_per_second: float,
                       eval_samples_per_second: float | None = None) -> float:
    """One validation pass: its measured speed, else :data:`EVAL_SPEEDUP` times the training speed."""
    return val_rows / (eval_samples_per_second or samples_per_second * EVAL_SPEEDUP)


def run_seconds(steps: int, batch_size: int, samples_per_second: float, device: str, passes: int = 0,
                val_rows: int = 0, eval_samples_per_second: float | None = None) -> float:
    """The time a run takes, start to finish: ``steps`` batches at ``samples_per_second`` (the
    strategy's own speed), ``passes`` validation passes over ``val_rows``, and the fixed overhead
    (loading, the test pass, the baselines). The one rule behind every time the app promises:
    the presets' times and the strategies' line both come from it."""
    training = steps * batch_size / samples_per_second
    return training + passes * validation_seconds(val_rows, samples_per_second, eval_samples_per_second) + (
        _overhead(device))


def _overhead(device: str) -> float:
    return OVERHEAD_SECONDS.get(device.split(":")[0], OVERHEAD_SECONDS["cpu"])
