"""A stand-in network for tests: every connection attempt is recorded and refused."""

from __future__ import annotations

import pytest


class NetworkGuard:
    """Records every attempt to resolve a name or open a connection, and refuses it.

    With ``hang``, each attempt first blocks for a minute, as on a black-holed network.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, hang: bool = False) -> None:
        import socket

        self.attempts: list[str] = []
        self.hang = hang
        for owner, name in ((socket, "create_connection"), (socket, "getaddrinfo"),
                            (socket.socket, "connect"), (socket.socket, "connect_ex")):
            monkeypatch.setattr(owner, name, self._refuse(name))

    def _refuse(self, what: str):
        def blocked(*args, **kwargs):
            self.attempts.append(f"{what}{args[:2]}")
            if self.hang:
                import time

                time.sleep(60)
            raise OSError(f"network access refused by the test ({what})")
        return blocked
