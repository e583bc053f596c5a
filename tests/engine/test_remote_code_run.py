"""A run of a model with its own code, allowed by the user, completes (its reload is allowed too)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

CUSTOM_MODULE = """
from transformers import BertForSequenceClassification


class CustomModel(BertForSequenceClassification):
    pass
"""


def test_allowed_remote_code_run_completes_and_reloads(tiny_model_dir, tmp_path, monkeypatch):
    import transformers.dynamic_module_utils as dynamic

    from tlstudio.core.settings.config import RunConfig
    from tlstudio.core.training import run_training

    monkeypatch.setattr(dynamic, "HF_MODULES_CACHE", str(tmp_path / "modules"))
    folder = tmp_path / "custom model"
    shutil.copytree(tiny_model_dir, folder)
    (folder / "modeling_custom.py").write_text(CUSTOM_MODULE)
    settings = json.loads((folder / "config.json").read_text())
    settings["auto_map"] = {"AutoModelForSequenceClassification": "modeling_custom.CustomModel"}
    (folder / "config.json").write_text(json.dumps(settings))
    data = Path(__file__).parent.parent / "data" / "sentiment_120.csv"
    config = RunConfig(data_path=str(data), model=str(folder), epochs=1, batch_size=16,
                       max_length=16, precision="fp32", trust_remote_code=True,
                       output_dir=str(tmp_path / "run"))

    result = run_training(config)

    info = json.loads((result.run_dir / "run.json").read_text())
    assert info["status"] == "complete"
    assert "accuracy" in result.metrics["model"]
