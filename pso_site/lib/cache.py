"""The shared cache in the site's database (``DJANGO_CACHE_URL=db://``, the
default): Django's ``DatabaseCache`` with the two operations that counters
across processes need made atomic.

Django's ``incr`` reads the value and writes it back: two processes both
read 7 and both write 8, and a limit of 30 lets 59 of 70 requests through
with two workers. Its ``add`` overwrites an expired row with an ``UPDATE``
that two processes can both make, so both believe they added it. Here
``incr`` writes to the row before it reads it (the row's lock on PostgreSQL,
the database's write lock on SQLite), and ``add`` deletes an expired row and
inserts the new one in one transaction, where the table's primary key lets
only one process insert. ``manage.py createcachetable`` (run by migration
``pso_site.0001``) creates the table."""

import base64
import pickle
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import IntegrityError, connections, router, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone


class DatabaseCache(DjangoDatabaseCache):
    # Django's, set by its own code; missing from the stubs.
    _table: str
    _cull: Callable[[str, CursorWrapper, datetime, int], None]

    def _encoded(self, value: object) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def _now(self) -> datetime:
        # Django's own precision for this table: whole seconds.
        return timezone.now().replace(microsecond=0)

    def add(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = self._now()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            entries = cursor.fetchone()[0]
            if entries > self._max_entries:
                self._cull(db, cursor, now, entries)
            try:
                with transaction.atomic(using=db):
                    cursor.execute(
                        f"DELETE FROM {table} WHERE cache_key = %s AND expires < %s",
                        [key, connection.ops.adapt_datetimefield_value(now)],
                    )
                    cursor.execute(
                        f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s)",
                        [
                            key,
                            self._encoded(value),
                            connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0)),
                        ],
                    )
            except IntegrityError:
                return False  # another process holds the key
        return True

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = connection.ops.adapt_datetimefield_value(self._now())
        with transaction.atomic(using=db), connection.cursor() as cursor:
            # Write first: nobody reads the value between this read and this write.
            cursor.execute(
                f"UPDATE {table} SET expires = expires WHERE cache_key = %s AND expires >= %s", [key, now]
            )
            if cursor.rowcount != 1:
                raise ValueError(f"Key '{key}' not found.")
            cursor.execute(f"SELECT value FROM {table} WHERE cache_key = %s", [key])
            value: int = pickle.loads(base64.b64decode(cursor.fetchone()[0].encode())) + delta
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [self._encoded(value), key])
        return value
