#!/usr/bin/env python3
"""Creates (or drops) the PostgreSQL database named by DATABASE_URL, for the full stack.

    python bin/stack_db.py create    # no-op when it exists
    python bin/stack_db.py drop      # no-op when it does not

Connects to the server's `postgres` database with the same user, host and password."""

import os
import sys
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql


def main(action: str) -> int:
    url = urlsplit(os.environ["DATABASE_URL"])
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        print(f"stack_db: DATABASE_URL is not PostgreSQL ({url.scheme}): nothing to do")
        return 0
    name = unquote(url.path.lstrip("/"))
    server = url._replace(path="/postgres").geturl().replace(f"{url.scheme}://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if action == "create" and not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"stack_db: created database {name}")
        elif action == "drop" and exists:
            connection.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )
            print(f"stack_db: dropped database {name}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("create", "drop"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
