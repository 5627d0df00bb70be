"""Statements a bulk run sends thousands of times, compiled once and run on the driver's cursor.

Running a SQLAlchemy statement costs about 15 microseconds of Python on top of the driver's own
work (parameters rebuilt, a result object set up), and a bulk decision sends a dozen statements
per claim. A :class:`Prepared` statement is compiled once per database kind; each run converts
its parameters with the column types' own converters (dates, datetimes and money as SQLAlchemy
would send them) and its results likewise, and runs on the DBAPI cursor of the connection's
open transaction. On PostgreSQL the statement is also prepared on the server, once per
connection, so that a statement with several parts (the claim's history) is not planned again
on every run.

Only statements whose values are all given, or fixed in the statement, qualify: SQLAlchemy's
client-side column defaults (``default=``, ``onupdate=``) are not applied here, and a statement
that would need one is refused when it is compiled.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

_PREPARED_ON_SERVER = "claimdesk_prepared"  # names prepared on a PostgreSQL connection
_names = itertools.count(1)


class _Compiled:
    def __init__(self, statement: Any, dialect: sa.Dialect, keys: Sequence[str] | None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=keys)
        if compiled.insert_prefetch or compiled.update_prefetch:
            raise ValueError("statement needs client-side column defaults; give every value")
        self.sql = str(compiled)
        self.order: tuple[str, ...] = tuple(compiled.positiontup or ())
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        self.fixed = {name: bind.effective_value for name, bind in binds.items()
                      if not bind.required}
        self.converters: dict[str, Callable[[Any], Any]] = {}
        for name, bind in binds.items():
            converter = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if converter is not None:
                self.converters[name] = converter
        self.dialect = dialect
        self.types = ([column.type for column in statement.selected_columns]
                      if isinstance(statement, (sa.Select, sa.CompoundSelect)) else [])
        self.results: list[Callable[[Any], Any] | None] | None = None

    def converters_for(self, description: Sequence[Sequence[Any]]) -> list:
        """The result's converters (from the first result: PostgreSQL's depend on the type
        the server reports for the column)."""
        if self.results is None:
            self.results = [
                kind.dialect_impl(self.dialect).result_processor(self.dialect, column[1])
                for kind, column in zip(self.types, description, strict=True)]
        return self.results

    def arguments(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        values = []
        for name in self.order:
            value = params[name] if name in params else self.fixed[name]
            converter = self.converters.get(name)
            values.append(converter(value) if converter is not None and value is not None
                          else value)
        return tuple(values)


class Prepared:
    """A statement (Core ``select``/``update``/``insert`` with bound parameters) to run many
    times with new values, in the caller's transaction."""

    def __init__(self, statement: Any, column_keys: Sequence[str] | None = None) -> None:
        self.statement, self.column_keys = statement, column_keys
        self.name = f"claimdesk_{next(_names)}"
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, connection: Connection) -> _Compiled:
        kind = connection.dialect.name
        compiled = self._compiled.get(kind)
        if compiled is None:
            dialect = (postgresql.psycopg2.dialect(paramstyle="numeric_dollar")
                       if kind == "postgresql" else connection.dialect)
            compiled = self._compiled[kind] = _Compiled(self.statement, dialect,
                                                        self.column_keys)
        return compiled

    def _cursor(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        compiled = self._for(connection)
        arguments = compiled.arguments(params)
        cursor = connection.connection.driver_connection.cursor()
        if connection.dialect.name != "postgresql":
            cursor.execute(compiled.sql, arguments)
            return cursor
        prepared = connection.info.setdefault(_PREPARED_ON_SERVER, set())
        if self.name not in prepared:
            cursor.execute(f"PREPARE {self.name} AS {compiled.sql}")
            prepared.add(self.name)
        placeholders = ", ".join(["%s"] * len(arguments))
        cursor.execute(f"EXECUTE {self.name} ({placeholders})" if arguments
                       else f"EXECUTE {self.name}", arguments)
        return cursor

    def run(self, connection: Connection, params: Mapping[str, Any]) -> None:
        """Run it for its effect (a write, or a lock taken by ``SELECT ... FOR UPDATE``: the
        driver reads the whole result as it runs the statement)."""
        self._cursor(connection, params).close()

    def rowcount(self, connection: Connection, params: Mapping[str, Any]) -> int:
        """Run a write; give the number of rows it matched."""
        cursor = self._cursor(connection, params)
        count = cursor.rowcount
        cursor.close()
        return count

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple]:
        """Run a query; give its rows, each value as SQLAlchemy would give it."""
        cursor = self._cursor(connection, params)
        fetched = cursor.fetchall()
        results = (self._for(connection).converters_for(cursor.description)
                   if cursor.description else [])
        cursor.close()
        if not any(results):
            return [tuple(row) for row in fetched]
        return [tuple(value if process is None or value is None else process(value)
                      for process, value in zip(results, row, strict=True))
                for row in fetched]

    def many(self, connection: Connection, params: Sequence[Mapping[str, Any]]) -> None:
        """Run a write once per set of values."""
        for values in params:
            self.run(connection, values)
