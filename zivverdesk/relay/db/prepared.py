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
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import Select, UpdateBase

_Convert = Callable[[Any], Any] | None


_REQUIRED = object()  # a bind without a value of its own: the caller must give one


@dataclass(frozen=True)
class _Slot:
    """Where one bound value comes from, as `SQLCompiler.construct_params` decides it: the
    caller's parameter by the bind's key, else by its name, else the value compiled into
    the statement (or its callable's result)."""

    name: str  # as rendered in the SQL
    key: str
    fallback: Any  # _REQUIRED, a value, or (with `call`) a callable giving it
    call: bool
    convert: _Convert


@dataclass(frozen=True)
class _Plan:
    sql: str
    slots: tuple[_Slot, ...]  # in the order of the SQL for qmark/format styles
    positional: bool
    row: type | None  # a named tuple of the selected columns, or None for DML
    results: tuple[_Convert, ...]
    # The common case, worked out once (see `_gather`): the caller gives every required
    # value by its key and none of the others, which are fixed values.
    gatherable: bool  # no slot's value comes from a callable
    fixed: tuple[Any, ...]  # every slot's converted fixed value (None where required)
    required: tuple[tuple[int, str, _Convert], ...]  # (position, key, conversion)
    optional: frozenset[str]  # keys and names of the slots with fixed values
    # (position, conversion) of the result columns that convert
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]


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
        values = _gather(plan, params)
        driver = conn.connection.driver_connection
        if plan.positional:
            return plan, driver.execute(plan.sql, values)  # type: ignore[union-attr]
        named = {slot.name: value for slot, value in zip(plan.slots, values, strict=True)}
        return plan, driver.execute(plan.sql, named)  # type: ignore[union-attr]

    def _plan(self, dialect: Dialect, params: Mapping[str, Any]) -> _Plan:
        # Inserts and updates compile for the columns given; selects for their binds.
        keys = tuple(sorted(params)) if isinstance(self.statement, UpdateBase) else ()
        plan = self._plans.get((dialect.name, keys))
        if plan is None:
            plan = self._plans[(dialect.name, keys)] = _compile(self.statement, dialect, keys)
        return plan


def _gather(plan: _Plan, params: Mapping[str, Any]) -> list[Any]:
    """The statement's values in slot order, as `_value` gives them slot by slot.

    Every statement of a visit runs this (some twenty a visit): in the common case the
    required values are looked up by key and the fixed ones were converted once, which
    costs half of asking every slot where its value comes from."""
    if plan.gatherable and (not plan.optional or plan.optional.isdisjoint(params)):
        values = list(plan.fixed)
        try:
            for position, key, convert in plan.required:
                value = params[key]
                values[position] = value if convert is None else convert(value)
        except KeyError:
            pass  # given by its rendered name, or missing: `_value` decides
        else:
            return values
    return [_value(slot, params) for slot in plan.slots]


def _value(slot: _Slot, params: Mapping[str, Any]) -> Any:
    if slot.key in params:
        value = params[slot.key]
    elif slot.name in params:
        value = params[slot.name]
    elif slot.fallback is _REQUIRED:
        raise InvalidRequestError(f"A value is required for bind parameter {slot.key!r}")
    else:
        value = slot.fallback() if slot.call else slot.fallback
    return value if slot.convert is None else slot.convert(value)


def _compile(statement: Select[Any] | UpdateBase, dialect: Dialect, keys: tuple[str, ...]) -> _Plan:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) or None)
    assert isinstance(compiled, SQLCompiler)
    # Names escaped or expanded at execution (`IN` lists, literal binds) are Core's to do.
    assert not compiled.escaped_bind_names and not compiled.post_compile_params, statement
    # The values are gathered once per call as Core's construct_params would (the slots say
    # from where), converted by each bind's own processor: construct_params itself walks
    # every bind through a general path and cost as much as the driver's execution.
    by_name: dict[str, _Slot] = {}
    for bind, name in compiled.bind_names.items():
        fallback: Any = _REQUIRED if bind.required else bind.callable or bind.value
        by_name[name] = _Slot(
            name=name,
            key=bind.key,
            fallback=fallback,
            call=bind.callable is not None and not bind.required,
            convert=bind.type.dialect_impl(dialect).bind_processor(dialect),
        )
    order = compiled.positiontup if compiled.positional else list(by_name)
    slots = tuple(by_name[name] for name in order or ())
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
    return _Plan(
        sql=compiled.string,
        slots=slots,
        positional=bool(compiled.positional),
        row=row,
        results=results,
        gatherable=not any(slot.call for slot in slots),
        fixed=tuple(
            None if slot.call or slot.fallback is _REQUIRED else _converted(slot, slot.fallback)
            for slot in slots
        ),
        required=tuple(
            (i, slot.key, slot.convert)
            for i, slot in enumerate(slots)
            if slot.fallback is _REQUIRED
        ),
        optional=frozenset(
            name
            for slot in slots
            if slot.fallback is not _REQUIRED
            for name in (slot.key, slot.name)
        ),
        converted=tuple((i, convert) for i, convert in enumerate(results) if convert),
    )


def _converted(slot: _Slot, value: Any) -> Any:
    return value if slot.convert is None else slot.convert(value)


def _row_type(names: list[str]) -> type:
    """Rows with attribute and index access, like SQLAlchemy's."""
    return collections.namedtuple("PreparedRow", names)


def _row(plan: _Plan, values: tuple[Any, ...]) -> Any:
    assert plan.row is not None, "this statement returns no rows"
    if not plan.converted:
        return plan.row(*values)
    row = list(values)
    for position, convert in plan.converted:
        if row[position] is not None:
            row[position] = convert(row[position])
    return plan.row(*row)
