"""``Problem``: one finding about a data file, shared by every check that reports one."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_EXAMPLES = 20


@dataclass
class Problem:
    """One finding; ``rows`` are up to 20 example 0-based data rows."""

    severity: str  # "error" | "warning" | "info"
    code: str
    message: str
    rows: list[int] = field(default_factory=list)
    count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
