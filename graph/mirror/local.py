"""The build the local FalkorDB server holds: pushed once per build (its TriG's digest
noted on the server), forgotten before a push writes, recorded and snapshotted after."""

from __future__ import annotations

import hashlib
from pathlib import Path

from govkg.graph.falkor import PUSHED_KEY, FalkorServer
from govkg.graph.mirror.native import NativeTarget
from govkg.graph.mirror.records import PushReport
from govkg.graph.mirror.sync import push
from govkg.graph.mirror.target import CypherError, Progress
from govkg.graph.pg import from_output


def trig_digest(out_dir: Path) -> str:
    h = hashlib.sha256()
    with (out_dir / "govkg.trig").open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ensure_pushed(
    server: FalkorServer, out_dir: Path, progress: Progress | None = None
) -> PushReport | None:
    """Push the build into the local server unless it already holds exactly this build."""
    import redis

    digest = trig_digest(out_dir)
    try:
        stored = server.redis().get(PUSHED_KEY)
    except (redis.exceptions.RedisError, OSError) as exc:
        raise CypherError(f"FalkorDB connection failed: {exc}") from None
    if stored is not None and stored.decode() == digest:
        return None
    forget_push(server)
    report = push(from_output(out_dir), NativeTarget(server), prune=True, progress=progress)
    record_push(server, digest)
    return report


def forget_push(server: FalkorServer) -> None:
    """Before a push writes: a push cut short must not pass for a build pushed whole."""
    import redis

    try:
        server.redis().delete(PUSHED_KEY)
    except (redis.exceptions.RedisError, OSError) as exc:
        raise CypherError(f"FalkorDB connection failed: {exc}") from None


def record_push(server: FalkorServer, digest: str) -> None:
    """After a complete push: note which build the server holds, and snapshot it, so that
    a server killed later restarts with the pushed graph."""
    import redis

    try:
        server.redis().set(PUSHED_KEY, digest)
    except (redis.exceptions.RedisError, OSError) as exc:
        raise CypherError(f"FalkorDB connection failed: {exc}") from None
    server.save()
