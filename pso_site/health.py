"""Health endpoints, built on django-health-check.

``/health/live/`` is for the load balancer: this node's database connection
answers. ``/health/`` is for monitoring: the same, and the task queue is
moving (a stuck queue is a fault to fix, but no reason to take every node
out of the load balancer). Both are public, so both stay cheap: a query or
two, nothing written. The deep check, for the operator, is a command on a
node (``manage.py health_deep``): it also saves, reads and deletes a file in
the storage and writes to the shared cache."""

import asyncio
import dataclasses
import datetime

from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceWarning
from health_check.views import HealthCheckView

from pso_site.lib.env import env_int
from pso_site.lib.ratelimit import SHARED

# A task ready for longer than this means no worker is taking tasks.
QUEUE_WAIT_LIMIT = datetime.timedelta(minutes=env_int("HEALTH_QUEUE_WAIT_MINUTES", 10))


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """How many tasks wait, and for how long the oldest has waited. A queue
    that does not move is a warning (the node itself still serves pages: it
    must not be taken out of the load balancer for a missing worker)."""

    def run(self):
        waiting = DBTaskResult.objects.ready()
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        if oldest is not None and timezone.now() - oldest > QUEUE_WAIT_LIMIT:
            raise ServiceWarning(
                f"{waiting.count()} tasks waiting, the oldest for more than "
                f"{int(QUEUE_WAIT_LIMIT.total_seconds() // 60)} minutes: is a worker running?"
            )


LIVE = [Database]
MONITORING = [Database, TaskQueue]
DEEP = [Database, (Cache, {"alias": SHARED}), Storage, TaskQueue]

live = HealthCheckView.as_view(checks=LIVE)
health = HealthCheckView.as_view(checks=MONITORING)


def deep_check() -> list[HealthCheckResult]:
    """Every check, the storage and the shared cache included, run here (``health_deep``)."""

    async def run_all():
        return await asyncio.gather(
            *(check.get_result() for check in HealthCheckView(checks=DEEP).get_checks())
        )

    return asyncio.run(run_all())
