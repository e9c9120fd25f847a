"""The stress tests' PostgreSQL server starts, takes the schema and many connections."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.stress


def test_throwaway_postgres_serves_many_connections_at_once(postgres_url):
    engine = create_engine(postgres_url, pool_size=40, max_overflow=0)
    try:

        def backend_pid(_: int) -> int:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_sleep(0.2)"))
                return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()

        with ThreadPoolExecutor(max_workers=40) as pool:
            pids = set(pool.map(backend_pid, range(40)))
        assert len(pids) == 40  # forty sessions were open at the same time
        with engine.connect() as conn:
            assert conn.execute(text("SHOW fsync")).scalar_one() == "off"
    finally:
        engine.dispose()
