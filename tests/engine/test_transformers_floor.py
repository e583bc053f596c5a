"""The transformers floor in pyproject.toml is installed, and the behaviours we rely on exist."""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"


def _floor() -> tuple[int, ...]:
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    (spec,) = [d for d in dependencies if re.match(r"transformers\b", d)]
    return tuple(int(p) for p in re.search(r">=([\d.]+)", spec).group(1).split("."))


def test_installed_transformers_is_at_least_the_declared_floor():
    import transformers

    installed = tuple(int(p) for p in re.findall(r"\d+", transformers.__version__)[:3])
    assert installed >= _floor(), f"transformers {transformers.__version__} is below the floor"
    assert _floor() >= (5, 19)  # the first release with both behaviours below


def test_warmup_steps_below_one_is_a_share_of_the_steps(tmp_path):
    """setup.py passes the warm-up ratio as warmup_steps (warmup_ratio is deprecated in v5)."""
    from transformers import TrainingArguments

    args = TrainingArguments(output_dir=str(tmp_path), warmup_steps=0.1, report_to=[])
    assert args.get_warmup_steps(200) == 20


def test_the_trainer_honours_loss_is_scaled_for_ga():
    """TaskTrainer returns a per-batch mean and sets loss_is_scaled_for_ga = False so the
    Trainer divides it for gradient accumulation; older releases silently ignore the flag."""
    from transformers import Trainer

    from tlstudio.core.training.trainer import TaskTrainer

    assert "loss_is_scaled_for_ga" in vars(Trainer)
    assert "loss_is_scaled_for_ga" in inspect.getsource(Trainer.training_step)
    assert TaskTrainer.loss_is_scaled_for_ga is False
