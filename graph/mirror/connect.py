"""Which target a command talks to: connection options (``--uri`` and the ``NEO4J_*``
variables), the target they open, and ``--param`` values."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govkg.graph.falkor import ServerError, local_server
from govkg.graph.mirror.bolt import BoltTarget
from govkg.graph.mirror.local import ensure_pushed
from govkg.graph.mirror.native import NativeTarget
from govkg.graph.mirror.target import CypherError, Target
from govkg.graph.pg import NAME_PATTERN


@dataclass
class Connection:
    uri: str | None
    user: str | None
    password: str | None
    database: str | None
    dialect: str = "auto"

    @classmethod
    def resolve(
        cls,
        uri: str | None,
        user: str | None,
        password: str | None,
        database: str | None,
        dialect: str = "auto",
    ) -> Connection:
        """Options first, then ``$NEO4J_URI``/``$NEO4J_USER``/``$NEO4J_PASSWORD``."""
        return cls(
            uri or os.environ.get("NEO4J_URI") or None,
            user or os.environ.get("NEO4J_USER") or os.environ.get("NEO4J_USERNAME") or None,
            password or os.environ.get("NEO4J_PASSWORD") or None,
            database or os.environ.get("NEO4J_DATABASE") or None,
            dialect,
        )


@contextlib.contextmanager
def open_target(conn: Connection, out_dir: Path, sync: bool = True) -> Iterator[Target]:
    """Bolt when a URI is known; else the local server, with this build pushed into it."""
    if conn.uri:
        target = BoltTarget(conn.uri, conn.user, conn.password, conn.database, conn.dialect)
        try:
            yield target
        finally:
            target.close()
        return
    if sync and not (out_dir / "govkg.trig").is_file():
        raise CypherError(f"no build at {out_dir}: run `govkg build --out {out_dir}` first")
    try:
        with local_server(out_dir) as server:
            if sync:
                ensure_pushed(server, out_dir)
            yield NativeTarget(server)
    except ServerError as exc:
        raise CypherError(str(exc)) from None


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``name=value`` pairs; a value that parses as JSON is taken as JSON, else as text."""
    params: dict[str, Any] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not NAME_PATTERN.match(name):
            raise ValueError(f"--param wants NAME=VALUE, got {item!r}")
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params
