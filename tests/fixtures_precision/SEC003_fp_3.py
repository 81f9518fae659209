# From datasette 0.65.5, datasette/views/table.py:477 and 497.
# The table page's SQL is built from escaped identifiers and placeholder where-clauses, the values
# bound as parameters; running SQL over the user's database is the product.
def escape_sqlite(s):
    return "[{}]".format(s)


async def table_view_data(db, table_name, where_clauses, params, order_by, page_size):
    from_sql = "from {table_name} {where}".format(
        table_name=escape_sqlite(table_name),
        where=("where {} ".format(" and ".join(where_clauses))) if where_clauses else "",
    )
    count_sql = f"select count(*) {from_sql}"
    sql = "select * from {table_name} {where}{order_by} limit {page_size}".format(
        table_name=escape_sqlite(table_name),
        where=from_sql,
        order_by=order_by,
        page_size=page_size + 1,
    )
    results = await db.execute(sql, params, truncate=True)
    count_rows = list(await db.execute(count_sql, params))
    return results, count_rows[0][0]
