"""``manage.py task_worker``: django-tasks-db's ``db_worker`` that outlives a
database restart. The stock worker exits on any database error but a locked
SQLite file; this one closes its connections, waits and carries on, so
dossiers and e-mails queued during a restart are built once the database is
back (docs/operations.md, measured by ``make bench-restart``)."""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("pso.tasks")

RETRY_SECONDS = 2.0


class Worker(db_worker.Worker):
    def run(self) -> None:
        while self.running:
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as error:
                logger.warning("Database unavailable (%s); the worker retries in %s s.", error, RETRY_SECONDS)
                connections.close_all()
                time.sleep(RETRY_SECONDS)


class Command(db_worker.Command):
    help = "Run queued tasks (dossiers, e-mails), waiting out database restarts."

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        worker.run()
