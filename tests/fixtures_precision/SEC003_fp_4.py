# From sqlalchemy-utils 0.43.0, sqlalchemy_utils/functions/database.py:506.
# `text = 'SELECT 1'` is assigned just before the use: the other branch's assignment does not
# reach it (the rule used to merge every assignment of `text` in the function).
import sqlalchemy as sa


def _get_scalar_result(engine, sql):
    with engine.connect() as conn:
        return conn.scalar(sql)


def database_exists(url):
    database = url.database
    if url.get_dialect().name == "mssql":
        text = "SELECT 1 FROM sys.databases WHERE name = '%s'" % database
        return _run_on_master(url, text)
    else:
        text = "SELECT 1"
        try:
            engine = sa.create_engine(url)
            return bool(_get_scalar_result(engine, sa.text(text)))
        except Exception:
            return False


def _run_on_master(url, text):
    return url, text
