"""SEC003 sql-injection."""
from __future__ import annotations

import ast
import re

from ..flow import is_constant, is_dynamic_string, literal_prefix
from ..model import Confidence, Rule, Severity
from ..names import Binding
from ._outside import outside_source
from ._sql_parts import quoted_value, sql_kind

#: Methods that run SQL given as their first argument.
_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "raw", "mogrify"})
#: Further methods that run SQL only on objects resolved to a DB driver (asyncpg and friends).
_DRIVER_ONLY_METHODS = frozenset({"fetch", "fetchrow", "fetchval", "fetchone", "fetch_one", "fetch_all", "fetch_val",
                                  "cursor", "run", "iterate"})  # asyncpg cursor(), pg8000 run(), databases iterate()
#: Receivers (resolved qualnames) that are DB cursors/connections/sessions/engines.
_DB_ROOTS = (
    "sqlite3.", "psycopg.", "psycopg2.", "pymysql.", "MySQLdb.", "mysql.connector.", "sqlalchemy.", "asyncpg.",
    "aiosqlite.", "aiomysql.", "aiopg.", "cx_Oracle.", "oracledb.", "pyodbc.", "duckdb.", "databases.", "pg8000.",
    "django.db.connection", "django.db.connections", "snowflake.connector.", "clickhouse_driver.",
    "sqlmodel.", "flask_sqlalchemy.",
)
#: Functions whose first argument is SQL.
_SQL_FUNCTIONS = frozenset({
    "sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlmodel.text",
    "pandas.read_sql", "pandas.read_sql_query", "pandas.io.sql.read_sql", "pandas.io.sql.read_sql_query",
})
#: Statements that take no bound parameters (utility / DDL statements): a quoted value there cannot be
#: bound, so the fix the default tier asks for does not exist (`CREATE DATABASE x ENCODING '{}'`).
_NO_PARAMS = re.compile(r"\s*(CREATE|ALTER|DROP|TRUNCATE|GRANT|REVOKE|COMMENT|PRAGMA|SET|VACUUM)\b", re.IGNORECASE)
_LOOPS: tuple[type, ...] = (ast.For, ast.AsyncFor, ast.While)
_SCOPES: tuple[type, ...] = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)
_SQL_KEYWORD = re.compile(
    r"\s*\(?\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|MERGE|REPLACE|TRUNCATE)\b", re.IGNORECASE
)


class SqlInjection(Rule):
    code = "SEC003"
    name = "sql-injection"
    message = (
        "SQL passed to `{callee}` is built from non-literal parts: a crafted value can rewrite the "
        "query (SQL injection); pass values as bound parameters"
    )
    severity = Severity.ERROR
    refs = ("H10", "P7")
    owasp = ("A03",)
    cwe = ("CWE-89",)
    callees = _SQL_FUNCTIONS

    docs = """
## What it does
Checks for SQL built by string formatting (f-string, `%`, `.format`, `+`, `str.join` with a
non-literal part) and passed to `execute`/`executemany`/`executescript`/`exec_driver_sql`,
Django `raw()`, SQLAlchemy `text()` or pandas `read_sql`. Methods on objects resolved to a
DB driver (sqlite3, psycopg, SQLAlchemy, asyncpg, …) always count, and so do the async drivers'
own query methods (asyncpg `fetch`/`fetchrow`/`fetchval`/`cursor`, pg8000 `run`, aiosqlite,
`databases.Database` `fetch_all`/`fetch_one`/`fetch_val`/`iterate`), also on a connection known by
its annotation (`conn: asyncpg.Connection`); on any other object the
string must start with a SQL keyword (SELECT, INSERT, UPDATE, DELETE, WITH, CREATE, ALTER,
DROP, MERGE, REPLACE, TRUNCATE). The query is followed through local variables, so a
string built first and executed later still fires; module-level string constants are
literals, and a literal assigned to the query's name just before the use (in the same block or
an enclosing one, no loop in between) is the value that reaches it, whatever other branches
assign (`text = "SELECT 1"` in an `else:`).

Each formatted part is judged (rules/sec/_sql_parts.py): a part passed through a function whose
name says it escapes or quotes (`escape_*`, `quote_*`, `*_identifier`, `psycopg.sql.Identifier`,
`quote_ident`), a `.join` of such calls, a `?`/`%s` placeholder list, or a loop variable over a
module-level constant tuple/list/set of literals is sanitized and never fires. A value in any
other position is a *value*. The default tier is for a value between hand-written `'...'` (a
string literal built by formatting: `WHERE email = '{email}'`, the textbook case for a bound
parameter, except in utility statements such as `CREATE DATABASE ... ENCODING '{}'` that cannot
bind parameters) and for any value from outside the process (request input: Flask, Django,
FastAPI/Starlette handler input; an HTTP response body). Identifiers (table or column names) and
other values (SQL fragments such as a `where` clause, numbers, values of unknown origin) are the
review tier (below).

## Why is this bad?
A value formatted into SQL is parsed as SQL: `' OR 1=1 --` reads every row, `; DROP TABLE`
destroys data (guide: H10, P7; OWASP A03 injection; CWE-89). Bound parameters send values
separately from the statement and cannot change its shape. Table and column names cannot be
bound: compose them with `psycopg.sql.Identifier` or the driver's quoting instead of
formatting them in.

## Example
```python
def find_user(cursor, email):
    cursor.execute(f"SELECT id, name FROM users WHERE email = '{email}'")
    return cursor.fetchone()
```

## Use instead
```python
def find_user(cursor, email):
    cursor.execute("SELECT id, name FROM users WHERE email = %s", (email,))
    return cursor.fetchone()
```

## Fix safety
There is no automatic fix: the placeholder style depends on the driver, and interpolated
identifiers (table or column names) cannot be parameters. Pass values as parameters
(`cur.execute("SELECT * FROM users WHERE id = %s", (user_id,))`, `?` for sqlite3,
`text("... :id").bindparams(id=...)` for SQLAlchemy) and compose identifiers with `psycopg.sql`.

## References
- [sqlite3: placeholders](https://docs.python.org/3/library/sqlite3.html#sqlite3-placeholders)
- [psycopg: passing parameters](https://www.psycopg.org/psycopg3/docs/basic/params.html)
- [CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)
- Guide: H10, P7; OWASP A03
"""
    review_tier = """
- SQL whose only formatted parts are identifiers: after `FROM`/`INTO`/`UPDATE`/`TABLE`/`JOIN`,
  inside `"..."`/`` `...` ``/`[...]` identifier quoting, before a `.`, or named like one (`table`,
  `*_table`, `column`, `schema`, `order_by`). These are mostly configuration (a table name given to
  a constructor) or names read from the database's own catalog; quote them with
  `psycopg.sql.Identifier` or the driver's quoting when they can come from a user.
- Values formatted in unquoted whose origin the code does not show as outside input: a SQL
  fragment the API takes as SQL (sqlite-utils `where=`, datasette's count SQL built from escaped
  identifiers), a number (`LIMIT {n}`, `id = {uid}`), a parameter of unknown origin. Bind them as
  parameters when they are values; the default tier keeps request input and quoted values.
"""

    valid = (
        "import asyncpg\nasync def f(conn: asyncpg.Connection, uid):\n    return await conn.fetch('SELECT * FROM t WHERE id = $1', uid)\n",
        "def f(cur, email):\n    cur.execute('SELECT id FROM users WHERE email = %s', (email,))\n",
        "def f(cur):\n    cur.execute('SELECT 1')\n",
        "TABLE = 'users'\ndef f(cur):\n    cur.execute(f'SELECT * FROM {TABLE}')\n",
        "from psycopg import sql\ndef f(cur, t):\n    cur.execute(sql.SQL('SELECT * FROM {}').format(sql.Identifier(t)))\n",
        "def f(cur, query):\n    cur.execute(query)\n",
        "def f(worker, job):\n    worker.execute(f'job {job}')\n",
        "from sqlalchemy import text\ndef f(s, uid):\n    s.execute(text('SELECT * FROM t WHERE id = :id'), {'id': uid})\n",
    )
    invalid = (
        "import asyncpg\nasync def f(conn: asyncpg.Connection, uid):\n    return await conn.fetchrow(f\"SELECT * FROM t WHERE id = '{uid}'\")\n",
        'import asyncpg\nasync def f(pool: asyncpg.Pool, name):\n    async with pool.acquire() as c:\n        pass\n    return await pool.fetchval(f"SELECT id FROM t WHERE name = \'{name}\'")\n',
        'import pg8000.native\ndef f(name):\n    con = pg8000.native.Connection(\'u\')\n    return con.run(f"SELECT * FROM t WHERE name = \'{name}\'")\n',
        "import databases\ndb = databases.Database('sqlite://')\nasync def f(uid):\n    return await db.fetch_all(f\"SELECT * FROM t WHERE id = '{uid}'\")\n",
        "import aiosqlite\nasync def f(db: aiosqlite.Connection, uid):\n    await db.execute(f\"DELETE FROM t WHERE id = '{uid}'\")\n",
        "def f(cursor, email):\n    cursor.execute(f\"SELECT id FROM users WHERE email = '{email}'\")\n",
        "import sqlite3\ndef f(name):\n    conn = sqlite3.connect('db.sqlite')\n"
        "    conn.execute(\"DELETE FROM t WHERE name = '\" + name + \"'\")\n",
        "from sqlalchemy import text as sql_text\ndef f(s, uid):\n    s.execute(sql_text(f\"SELECT * FROM t WHERE id = '{uid}'\"))\n",
        "def f(cur, status):\n    q = 'SELECT * FROM orders'\n    q += f\" WHERE status = '{status}'\"\n    cur.execute(q)\n",
        "import pandas as pd\ndef f(engine, day):\n    return pd.read_sql(\"select * from sales where day = '{}'\".format(day), engine)\n",
        "def f(User, name):\n    return User.objects.raw(f\"SELECT * FROM app_user WHERE name = '{name}'\")\n",
    )

    review_examples = (
        "import sqlite3 as db\ndef f(table):\n    with db.connect('x') as conn:\n        conn.executescript('DROP TABLE %s' % table)\n",
        "class Store:\n    def __init__(self, conn, sessions_table):\n        self.conn = conn\n"
        "        self.sessions_table = sessions_table\n    def get(self, sid):\n"
        "        return self.conn.execute(f'SELECT data FROM {self.sessions_table} WHERE id = ?', (sid,))\n",
        "def f(cur, name, uid):\n    cur.execute(f'SELECT \"{name}\" FROM t WHERE id = %s', (uid,))\n",
        # A SQL fragment parameter (sqlite-utils `rows_where(where=...)`): SQL text by design, args bound.
        "def count(conn, table, where=None, where_args=None):\n    sql = f'select count(*) from {quote_identifier(table)}'\n"
        "    if where is not None:\n        sql += ' where ' + where\n    return conn.execute(sql, where_args or []).fetchone()[0]\n",
        "def f(cur, uid):\n    cur.execute(f'SELECT * FROM t WHERE id = {uid}')\n",
        # A utility statement binds nothing: the quoted option cannot be a parameter.
        "def f(conn, encoding):\n    conn.execute(\"CREATE DATABASE app ENCODING '{}'\".format(encoding))\n",
    )
    valid = valid + (
        # Escaped / quoted identifiers are sanitized.
        "def f(cur, table, uid):\n    cur.execute(f'SELECT * FROM {quote_identifier(table)} WHERE id = ?', (uid,))\n",
        "def f(cur, cols, uid):\n    cur.execute('SELECT {} FROM t WHERE id = ?'.format(', '.join(escape_name(c) for c in cols)), (uid,))\n",
        "def f(cur, ids):\n    cur.execute(f'SELECT * FROM t WHERE id IN ({\", \".join(\"?\" * len(ids))})', ids)\n",
        # A loop variable over a module-level constant collection of literals is a literal.
        "TABLES = ('users', 'orders')\ndef f(cur):\n    for t in TABLES:\n        cur.execute(f'DELETE FROM {t}')\n",
        # The assignment just before the use is the one that reaches it.
        "import sqlalchemy as sa\ndef f(e, db, mssql):\n    if mssql:\n"
        "        text = \"SELECT 1 FROM sys.databases WHERE name = '%s'\" % db\n        return helper(text)\n"
        "    text = 'SELECT 1'\n    return e.execute(sa.text(text))\n",
    )
    invalid = invalid + (
        # An identifier is no excuse for a value beside it.
        "def f(cur, table, email):\n    cur.execute(f\"SELECT * FROM {table} WHERE email = '{email}'\")\n",
        # A quoted condition built first and placed by an f-string field (langchain-community tidb.py).
        "from sqlalchemy import text\ndef f(s, since):\n    cond = f\"AND created >= '{since}'\" if since else ''\n"
        "    return s.execute(text(f'SELECT m FROM t WHERE sid = :sid {cond}'), {'sid': 1})\n",
        "def f(cur, name):\n    cur.execute(\"SELECT * FROM t WHERE name = '{name}'\".format(name=name))\n",
        # Request input, quoted or not.
        "from flask import request\ndef f(cur):\n    cur.execute('SELECT * FROM t WHERE id = ' + request.args['id'])\n",
    )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        sql = _first(call, ("sql", "statement", "text", "query"))
        if sql is not None and is_dynamic_string(self.ctx, sql):
            self._report(sql, (callee.qualname or "").rsplit(".", 1)[-1])

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        attr = func.attr
        if attr not in _METHODS and attr not in _DRIVER_ONLY_METHODS:
            return
        sql = _first(node, ("sql", "operation", "query", "statement", "raw_query"))
        if sql is None or isinstance(sql, ast.Constant):
            return
        if isinstance(sql, ast.Call) and self.ctx.qualname(sql.func) in _SQL_FUNCTIONS:
            return  # text(f"...") is reported on the text() call
        if not is_dynamic_string(self.ctx, sql):
            return
        receiver = self.ctx.qualname(func.value)
        is_db = receiver is not None and receiver.startswith(_DB_ROOTS)
        if not is_db:
            if attr in _DRIVER_ONLY_METHODS or not _SQL_KEYWORD.match(literal_prefix(self.ctx, sql)):
                return
        shown = ast.unparse(func)
        if len(shown) > 40:
            shown = attr
        self._report(sql, shown)

    def _report(self, sql: ast.expr, callee: str) -> None:
        if self._reaching_constant(sql):
            return
        kind = sql_kind(self.ctx, sql)
        if kind == "safe":
            return
        # Default tier: a value from outside the process, or one between hand-written quotes where
        # the statement could bind it.
        quoted = quoted_value(self.ctx, sql) and not _NO_PARAMS.match(literal_prefix(self.ctx, sql))
        default = kind == "value" and (quoted or outside_source(self.ctx, sql) is not None)
        self.report(sql, confidence=None if default else Confidence.MEDIUM, callee=callee)


    def _reaching_constant(self, sql: ast.expr) -> bool:
        """`text = 'SELECT 1'` just before the use (in this block or an enclosing one, no loop in
        between): that assignment is the one that reaches it, whatever other branches assign."""
        if not isinstance(sql, ast.Name):
            return False
        chain = self.ctx.parents
        for i in range(len(chain) - 1, 0, -1):
            child, parent = chain[i], chain[i - 1]
            if isinstance(child, ast.stmt):
                for field in ("body", "orelse", "finalbody"):
                    block = getattr(parent, field, None)
                    if isinstance(block, list) and child in block:
                        for stmt in reversed(block[:block.index(child)]):
                            if _assigns_only(stmt, sql.id):
                                return is_constant(self.ctx, stmt.value)  # type: ignore[attr-defined]
                            if _binds(stmt, sql.id):
                                return False
                        break
            if isinstance(parent, _SCOPES + _LOOPS):
                return False  # not above the function, nor across a loop's earlier iterations
        return False


def _assigns_only(stmt: ast.stmt, name: str) -> bool:
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
        and stmt.targets[0].id == name


def _binds(stmt: ast.stmt, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in ast.walk(stmt))


def _first(call: ast.Call, names: tuple[str, ...]) -> ast.expr | None:
    if call.args:
        first = call.args[0]
        return None if isinstance(first, ast.Starred) else first
    for kw in call.keywords:
        if kw.arg in names:
            return kw.value
    return None
