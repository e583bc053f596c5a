"""``calibration.json``: what prediction applies on top of the model (a run record, read and
written by :class:`tlstudio.core.runs.store.RunFolder`; fitted by ``core/insight``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass
class Calibration:
    """The content of ``calibration.json``."""

    temperature: float = 1.0
    thresholds: dict[str, float] = field(default_factory=dict)
    unsure_below: float | None = None
    fitted_on: str = "validation"
    ece_before: float | None = None
    ece_after: float | None = None
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Calibration:
        """From ``calibration.json``'s content; ValueError/TypeError when it is not one."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        calibration = cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        if not float(calibration.temperature) > 0:
            raise ValueError("the temperature must be above 0")
        calibration.temperature = float(calibration.temperature)
        calibration.thresholds = {str(k): float(v) for k, v in dict(calibration.thresholds or {}).items()}
        if calibration.unsure_below is not None:
            calibration.unsure_below = float(calibration.unsure_below)
        return calibration


__all__ = ["SCHEMA_VERSION", "Calibration"]
