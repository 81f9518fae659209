# From sqlalchemy-utils 0.43.0, sqlalchemy_utils/functions/database.py:567 and 574.
# CREATE DATABASE takes no bound parameters: the names go through quote(), the quoted encoding is
# the developer's argument (review tier: a utility statement cannot bind it).
import sqlalchemy as sa


def quote(conn, name):
    return conn.dialect.identifier_preparer.quote(name)


def create_database(engine, database, encoding="utf8", template="template1"):
    with engine.begin() as conn:
        text = "CREATE DATABASE {} ENCODING '{}' TEMPLATE {}".format(
            quote(conn, database), encoding, quote(conn, template)
        )
        conn.execute(sa.text(text))


def create_mysql_database(engine, database, encoding="utf8"):
    with engine.begin() as conn:
        text = "CREATE DATABASE {} CHARACTER SET = '{}'".format(quote(conn, database), encoding)
        conn.execute(sa.text(text))
