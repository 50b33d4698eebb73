"""Statements of the recipient hot path, compiled once per dialect and run on the driver's
own connection.

SQLAlchemy Core spends about 55 µs of CPU per `Connection.execute()` around a driver call
that takes 10 µs (execution context, result metadata, events), and a recipient visit runs
some twenty statements: a third of the relay's CPU per visit (docs/BENCHMARKS.md).
`Prepared` keeps what Core is good at — the statement is still written in Core, compiled
by SQLAlchemy for SQLite or PostgreSQL, with every column's own bind and result
conversion (aware UTC datetimes, booleans) — and leaves out the per-call machinery. It
runs inside the caller's SQLAlchemy transaction, on the same driver connection.

Only plain statements qualify: no expanding `IN` lists, no Python-side column defaults
that the caller leaves out (inserts name every value they store).
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import Select, UpdateBase

_Convert = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    compiled: SQLCompiler
    sql: str
    positional: tuple[str, ...] | None  # parameter order for qmark/format styles
    binds: dict[str, _Convert]
    row: type | None  # a named tuple of the selected columns, or None for DML
    results: tuple[_Convert, ...]


class Prepared:
    """A Core statement run on the driver connection under the caller's transaction."""

    def __init__(self, statement: Select[Any] | UpdateBase) -> None:
        self.statement = statement
        self._plans: dict[tuple[str, tuple[str, ...]], _Plan] = {}

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """The first row (attribute and index access), or None."""
        plan, cursor = self._execute(conn, params)
        values = cursor.fetchone()
        return None if values is None else _row(plan, values)

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        plan, cursor = self._execute(conn, params)
        return [_row(plan, values) for values in cursor.fetchall()]

    def scalar(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        row = self.first(conn, params)
        return None if row is None else row[0]

    def run(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run a statement that returns no rows; the number of rows it changed."""
        _plan, cursor = self._execute(conn, params)
        count: int = cursor.rowcount
        return count

    def _execute(self, conn: Connection, params: Mapping[str, Any]) -> tuple[_Plan, Any]:
        plan = self._plan(conn.dialect, params)
        values = plan.compiled.construct_params(dict(params))
        for name, convert in plan.binds.items():
            if convert is not None:
                values[name] = convert(values[name])
        driver = conn.connection.driver_connection
        if plan.positional is not None:
            ordered = [values[n] for n in plan.positional]
            return plan, driver.execute(plan.sql, ordered)  # type: ignore[union-attr]
        return plan, driver.execute(plan.sql, values)  # type: ignore[union-attr]

    def _plan(self, dialect: Dialect, params: Mapping[str, Any]) -> _Plan:
        # Inserts and updates compile for the columns given; selects for their binds.
        keys = tuple(sorted(params)) if isinstance(self.statement, UpdateBase) else ()
        plan = self._plans.get((dialect.name, keys))
        if plan is None:
            plan = self._plans[(dialect.name, keys)] = _compile(self.statement, dialect, keys)
        return plan


def _compile(statement: Select[Any] | UpdateBase, dialect: Dialect, keys: tuple[str, ...]) -> _Plan:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) or None)
    assert isinstance(compiled, SQLCompiler)
    # By the names the SQL uses (an anonymous bind's key is not its rendered name).
    binds: dict[str, _Convert] = {
        compiled.bind_names[bind]: bind.type.dialect_impl(dialect).bind_processor(dialect)
        for bind in compiled.binds.values()
    }
    # The columns a row carries: a select's, or an insert's or update's RETURNING ones.
    columns = (
        statement.selected_columns if isinstance(statement, Select) else statement.exported_columns
    )
    row: type | None = None
    results: tuple[_Convert, ...] = ()
    if len(columns):
        row = _row_type([str(name) for name in list(columns.keys())])
        results = tuple(
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
        )
    positional = tuple(compiled.positiontup or ()) if compiled.positional else None
    return _Plan(compiled, compiled.string, positional, binds, row, results)


def _row_type(names: list[str]) -> type:
    """Rows with attribute and index access, like SQLAlchemy's."""
    return collections.namedtuple("PreparedRow", names)


def _row(plan: _Plan, values: tuple[Any, ...]) -> Any:
    assert plan.row is not None, "this statement returns no rows"
    converted = (
        v if convert is None or v is None else convert(v)
        for convert, v in zip(plan.results, values, strict=True)
    )
    return plan.row(*converted)
