"""Limits that hold across processes: the shared cache (``DJANGO_CACHE_URL``,
a table of the database by default) and the counters in it. Two Python
processes, like two gunicorn workers, count against one limit at the same
moment; with the cache of each process (or Django's own database cache,
whose increment reads then writes) a limit of 30 let 59 of 70 through."""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from pso_site.lib.env import cache_settings, email_settings

ROOT = Path(__file__).resolve().parents[2]

# Each worker sets Django up, says it is ready, waits for the word, then
# counts: so that both count at the same time, not one after the other.
WORKER = """
import pathlib, sys, time
import django
django.setup()
from django.core.cache import caches
from pso_site.lib import ratelimit
mode, key, tries, folder, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), pathlib.Path(sys.argv[4]), sys.argv[5]
(folder / name).touch()
while not (folder / "go").exists():
    time.sleep(0.002)
if mode == "limit":
    passed = sum(ratelimit.allow(key, limit=30, seconds=600) for _ in range(tries))
else:
    passed = sum(ratelimit.backoff_try(key, free=3, max_wait=60, memory=600) == 0 for _ in range(tries))
print(passed)
"""


def environment(database_url: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "pso_site.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url,
        "DJANGO_CACHE_URL": "db://",
    }


def two_workers(env: dict, folder: Path, mode: str, key: str, tries: int) -> list[int]:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, mode, key, str(tries), str(folder), f"ready-{number}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(2)
    ]
    deadline = time.monotonic() + 60
    while not all((folder / f"ready-{number}").exists() for number in range(2)):
        assert time.monotonic() < deadline and all(worker.poll() is None for worker in workers), [
            worker.stderr.read() for worker in workers if worker.poll() is not None
        ]
        time.sleep(0.01)
    (folder / "go").touch()
    counts = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        counts.append(int(out))
    return counts


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_database(request, tmp_path):
    """The database both workers share: an SQLite file, or the suite's
    PostgreSQL test database when the suite runs on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        subprocess.run(
            [sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=environment(url), check=True
        )
        return url
    request.getfixturevalue("db")
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite")
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def test_a_limit_of_30_holds_across_two_processes(shared_database, tmp_path):
    counts = two_workers(environment(shared_database), tmp_path, "limit", f"test-{uuid.uuid4().hex}", 35)
    print(
        f"\n{shared_database.split(':')[0]}: of 70 lookups across two workers, {sum(counts)} passed {counts}"
    )
    assert sum(counts) == 30


def test_an_accounts_wait_holds_across_two_processes(shared_database, tmp_path):
    """Many addresses at once, on two workers: one try, then the wait."""
    key = f"test-{uuid.uuid4().hex}"
    seed = "import django; django.setup(); from django.core.cache import caches; "
    seed += f"caches['shared'].add('backoff:{key}', 10, timeout=600)"
    subprocess.run([sys.executable, "-c", seed], cwd=ROOT, env=environment(shared_database), check=True)
    counts = two_workers(environment(shared_database), tmp_path, "backoff", key, 20)
    assert sum(counts) == 1


# The shared cache ------------------------------------------------------------------


def test_the_shared_cache_is_the_database_by_default():
    assert cache_settings({}) == {
        "BACKEND": "pso_site.lib.cache.DatabaseCache",
        "LOCATION": "pso_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
    assert cache_settings({"DJANGO_CACHE_URL": "db://limits"})["LOCATION"] == "limits"
    local = cache_settings({"DJANGO_CACHE_URL": "locmem://"})
    assert local["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(
    "url, says",
    [
        ("memcached://127.0.0.1:11211", "use one of db://, locmem://, redis://"),
        ("127.0.0.1:6379", "use one of db://, locmem://, redis://"),
        ("db://no-dashes", "is not db:// or db://<table name>"),
        ("redis://", "needs a host"),
    ],
)
def test_an_unknown_cache_url_stops_the_process_with_a_clear_message(url, says):
    with pytest.raises(ImproperlyConfigured, match=says.replace("/", "/")):
        cache_settings({"DJANGO_CACHE_URL": url})


def test_a_redis_cache_is_django_s_own():
    try:
        import redis  # noqa: F401
    except ImportError:
        with pytest.raises(ImproperlyConfigured, match="needs the redis package"):
            cache_settings({"DJANGO_CACHE_URL": "redis://127.0.0.1:6379/0"})
    else:
        settings = cache_settings({"DJANGO_CACHE_URL": "redis://127.0.0.1:6379/0"})
        assert settings == {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }


def test_an_unknown_email_url_names_the_schemes_and_not_the_password():
    with pytest.raises(ImproperlyConfigured) as refused:
        email_settings({"EMAIL_URL": "smtpx://mailer:s3cret@mail.example.go.th:587"})
    message = str(refused.value)
    assert "'smtpx'" in message and "smtp:" in message and "console:" in message and "dummy:" in message
    assert "s3cret" not in message
    assert (
        email_settings({"EMAIL_URL": "smtp://mail.example.go.th:587/?tls=True&timeout=20"})["EMAIL_TIMEOUT"]
        == 20
    )


def test_an_unknown_email_url_stops_the_start_with_that_message_not_a_key_error():
    env = {**environment(""), "EMAIL_URL": "smtpx://mailer:s3cret@mail.example.go.th"}
    del env["DATABASE_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "ImproperSetting: EMAIL_URL has the scheme 'smtpx'" in result.stderr
    assert "KeyError" not in result.stderr and "s3cret" not in result.stderr


@pytest.mark.django_db
def test_the_database_cache_adds_once_and_increments_in_place():
    shared = caches["shared"]
    assert shared.add("k", 1, timeout=60) and not shared.add("k", 2, timeout=60)
    assert shared.incr("k") == 2 and shared.incr("k", 5) == 7 and shared.decr("k") == 6
    assert shared.get("k") == 6
    with pytest.raises(ValueError):
        shared.incr("missing")
    # An expired entry is gone for incr and taken over by add.
    shared.set("old", 1, timeout=60)
    table = connection.ops.quote_name("pso_cache")
    with connection.cursor() as cursor:
        past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
        cursor.execute(
            f"UPDATE {table} SET expires = %s WHERE cache_key = %s",
            [connection.ops.adapt_datetimefield_value(past), shared.make_key("old")],
        )
    with pytest.raises(ValueError):
        shared.incr("old")
    assert shared.add("old", 5, timeout=60) and shared.get("old") == 5
