"""Create the database named by DATABASE_URL if it is missing (used by `make`)."""

from typing import Any

import environ
import psycopg
from psycopg import sql


def main() -> None:
    url = environ.Env().db(
        "DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/detector"
    )
    connection_kwargs: dict[str, Any] = {
        "host": url["HOST"] or None,
        "port": url["PORT"] or None,
        "user": url["USER"] or None,
        "password": url["PASSWORD"] or None,
    }
    with psycopg.connect(
        dbname="postgres", autocommit=True, **connection_kwargs
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (url["NAME"],)
        ).fetchone()
        if not exists:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url["NAME"]))
            )
            print(f"created database {url['NAME']}")  # noqa: T201


if __name__ == "__main__":
    main()
