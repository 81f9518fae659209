# From openai-agents 0.24.0, agents/memory/sqlite_session.py:242/271/374.
# Only the table *name* (an identifier set by the constructor) is interpolated; every value is a
# bound parameter. Identifiers cannot be bound parameters in SQLite.
import json
import sqlite3


class SQLiteSession:
    def __init__(self, session_id: str, db_path: str = ":memory:", messages_table: str = "agent_messages") -> None:
        self.session_id = session_id
        self.messages_table = messages_table
        self._conn = sqlite3.connect(db_path)

    def init(self) -> None:
        self._conn.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {self.messages_table} (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id TEXT NOT NULL,
                message_data TEXT NOT NULL
            )
            """
        )

    def add(self, items: list) -> None:
        self._conn.executemany(
            f"INSERT INTO {self.messages_table} (session_id, message_data) VALUES (?, ?)",
            [(self.session_id, json.dumps(item)) for item in items],
        )

    def last(self, limit: int) -> list:
        return self._conn.execute(
            f"SELECT id, message_data FROM {self.messages_table} WHERE session_id = ? ORDER BY id DESC LIMIT ?",
            (self.session_id, limit),
        ).fetchall()
