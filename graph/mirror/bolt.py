"""Neo4j, or FalkorDB's Bolt endpoint, as a Cypher target through the ``neo4j`` driver."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterable
from typing import Any

from govkg.graph import cypher as cy
from govkg.graph.mirror.target import CypherError, Target, first_line, plain


class BoltTarget(Target):
    """Neo4j (or FalkorDB's Bolt endpoint) through the official ``neo4j`` driver.

    FalkorDB's Bolt endpoint leaves the next connection accepted after a Bolt client
    disconnects unanswered. With FalkorDB the driver therefore waits only a few seconds
    for a connection and retries, and :meth:`close` spends a throwaway connection on it.
    """

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        dialect: str = "auto",
    ) -> None:
        import neo4j

        self.uri = uri
        self.auth = (user, password or "") if user else None
        self.database = database
        self.driver = self._connect(acquisition_timeout=8.0, attempts=3)
        self.dialect = cy.DIALECTS[dialect] if dialect != "auto" else self._detect()
        self.address: tuple[str, int] | None = None
        if self.dialect is not cy.NEO4J:
            # FalkorDB's Bolt endpoint mishandles database names; it serves one graph
            self.database = None
            address = self.driver.get_server_info().address
            self.address = (str(address[0]), int(address[1]))
        elif dialect == "auto":
            self.driver.close()  # Neo4j: the driver's own defaults from here on
            self.driver = neo4j.GraphDatabase.driver(uri, auth=self.auth)
        self.description = f"{uri} ({self.dialect.name})"

    def _connect(self, acquisition_timeout: float, attempts: int) -> Any:
        import neo4j

        last = ""
        for _ in range(attempts):
            driver = None
            try:
                driver = neo4j.GraphDatabase.driver(
                    self.uri,
                    auth=self.auth,
                    connection_timeout=acquisition_timeout,
                    connection_acquisition_timeout=acquisition_timeout,
                )
                driver.verify_connectivity()
                return driver
            except neo4j.exceptions.AuthError as exc:
                last = first_line(str(exc))
                break
            except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, ValueError) as exc:
                last = first_line(str(exc))
                if driver is not None:
                    driver.close()
        raise CypherError(f"cannot connect to {self.uri}: {last}")

    def _detect(self) -> cy.Dialect:
        """FalkorDB answers its own ``db.meta.stats()``; Neo4j has no such procedure. (A
        probe that fails on FalkorDB would cost a connection, see the class docstring.)"""
        import neo4j

        try:
            with self.driver.session(database=self.database) as s:
                s.run(cy.FALKOR_PROBE).consume()
        except neo4j.exceptions.Neo4jError:
            return cy.NEO4J
        return cy.FALKORDB_BOLT

    def run(
        self, query: str, params: dict[str, Any] | None = None, write: bool = False
    ) -> tuple[list[str], list[dict[str, Any]]]:
        import neo4j

        encoded = {k: self.dialect.encode(v) for k, v in (params or {}).items()}

        def work(tx: Any) -> tuple[list[str], list[Any]]:
            result = tx.run(query, encoded)
            return list(result.keys()), [r.values() for r in result]

        attempts = 1 if self.dialect is cy.NEO4J else 3  # Neo4j's driver retries by itself
        for attempt in range(attempts):
            try:
                with self.driver.session(database=self.database) as s:
                    if self.dialect is cy.NEO4J and write:
                        columns, records = s.execute_write(work)
                    elif self.dialect is cy.NEO4J:
                        columns, records = s.execute_read(work)
                    else:  # FalkorDB: auto-commit; it has no multi-statement transactions
                        result = s.run(query, encoded)
                        columns, records = list(result.keys()), [r.values() for r in result]
                break
            except neo4j.exceptions.Neo4jError as exc:
                message = exc.message or str(exc)
                if self.dialect is not cy.NEO4J and "unknown error" in message.lower():
                    message += " (FalkorDB's Bolt endpoint reports every failure this way)"
                raise CypherError(f"Cypher error: {first_line(message)}") from None
            except (neo4j.exceptions.DriverError, OSError) as exc:
                # statements are MERGEs and reads, so running one again is safe
                if attempt + 1 == attempts:
                    raise CypherError(f"Bolt connection failed: {first_line(str(exc))}") from None
        rows = [{c: plain(v) for c, v in zip(columns, r, strict=False)} for r in records]
        return columns, rows

    def ensure_schema(self, labels: Iterable[str]) -> None:
        existing: set[str] = set()
        if self.dialect is not cy.NEO4J:
            _, rows = self.run(cy.FALKOR_LIST_INDEXES)
            existing = {r["label"] for r in rows if "uri" in (r.get("properties") or [])}
        for statement in self.dialect.schema_statements(labels, existing):
            if self.dialect is cy.NEO4J:
                self._schema(statement)
            else:
                self.run(statement, write=True)

    def _schema(self, statement: str) -> None:
        """Neo4j runs schema commands in auto-commit transactions only."""
        import neo4j

        try:
            with self.driver.session(database=self.database) as s:
                s.run(statement).consume()
        except neo4j.exceptions.Neo4jError as exc:
            raise CypherError(f"Cypher error: {first_line(exc.message or str(exc))}") from None
        except (neo4j.exceptions.DriverError, OSError) as exc:
            raise CypherError(f"Bolt connection failed: {first_line(str(exc))}") from None

    def close(self) -> None:
        self.driver.close()
        if self.address is not None:
            # the connection FalkorDB will leave unanswered: take it and let it go
            with contextlib.suppress(OSError):
                sacrificial = socket.create_connection(self.address, timeout=2)
                time.sleep(0.2)
                sacrificial.close()
