"""Exit 0 when the PostgreSQL server named by DATABASE_URL answers, 1 otherwise.

Used by ``make test`` to decide whether to run the suite on PostgreSQL too.
"""

import os
import sys

import dj_database_url
import psycopg2

url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pso")
config = dj_database_url.parse(url)
try:
    psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        connect_timeout=3,
    ).close()
except psycopg2.OperationalError as error:
    print(f"PostgreSQL at {config['HOST']}:{config['PORT']} is not reachable: {error}".strip())
    sys.exit(1)
