# From sqlite-utils 4.2.1, sqlite_utils/db.py:2124, 2177, 4113 and 4958 (also sqlite_utils/cli.py:3302).
# rows_where / delete_where / count_where: the documented API takes a SQL `where` fragment from the
# developer (or the CLI user), identifiers go through quote_identifier and the values are bound.
def quote_identifier(name: str) -> str:
    return '"{}"'.format(name.replace('"', '""'))


class Table:
    def __init__(self, db, name):
        self.db = db
        self.name = name

    def count_where(self, where=None, where_args=None):
        sql = f"select count(*) from {quote_identifier(self.name)}"
        if where is not None:
            sql += " where " + where
        return self.db.execute(sql, where_args or []).fetchone()[0]

    def delete_where(self, where=None, where_args=None):
        sql = f"delete from {quote_identifier(self.name)}"
        if where is not None:
            sql += " where " + where
        self.db.execute(sql, where_args or [])

    def rows_where(self, where=None, where_args=None, order_by=None, limit=None, offset=None):
        sql = f"select * from {quote_identifier(self.name)}"
        if where is not None:
            sql += f" where {where}"
        if order_by is not None:
            sql += f" order by {order_by}"
        if limit is not None:
            sql += f" limit {limit}"
        if offset is not None:
            sql += f" offset {offset}"
        return self.db.execute(sql, where_args or [])
