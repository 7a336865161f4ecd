"""Reminders before a certificate expires: the agency's head and editors
hear 180, 90 and 30 days before, and once it has ended (the day after its
last day, or within a week if the worker was down), once each, unless the
agency has already started the next cycle of that standard. Run daily by the task worker
(``manage.py send_reminders`` enqueues the task; a cron line or systemd
timer calls it)."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assessment.models import Project
from certification import notifications
from certification.models import Certificate

REMINDER_DAYS = (180, 90, 30)
# ``reminded_before_days`` once the "it has ended" notice is sent.
ENDED = 0
ENDED_NOTICE_WITHIN = datetime.timedelta(days=7)


def threshold_for(days_left: int) -> int | None:
    """The smallest reminder point not yet passed: 170 days left → 180;
    ``ENDED`` once the certificate's last day is over."""
    if days_left < 0:
        return ENDED
    due = [days for days in REMINDER_DAYS if days_left <= days]
    return min(due) if due else None


def due_certificates(today: datetime.date):
    """Valid certificates within the first reminder point of their end,
    whose agency has no later project of the same standard."""
    later_cycle = Project.objects.filter(
        agency_id=OuterRef("project__agency_id"),
        standard_id=OuterRef("project__standard_id"),
        fiscal_year__gt=OuterRef("project__fiscal_year"),
    )
    return (
        Certificate.objects.filter(
            revoked_at__isnull=True,
            valid_until__gte=today - ENDED_NOTICE_WITHIN,
            valid_until__lte=today + datetime.timedelta(days=max(REMINDER_DAYS)),
        )
        .filter(Q(reminded_before_days__isnull=True) | Q(reminded_before_days__gt=ENDED))
        .exclude(Exists(later_cycle))
        .select_related("project__agency", "project__standard")
        .order_by("valid_until", "pk")
    )


def send_expiry_reminders(today: datetime.date | None = None) -> int:
    """Send the reminders due today; returns how many were sent. Each
    certificate is locked while its reminder is decided, so two workers
    never send the same one."""
    today = today or timezone.localdate()
    sent = 0
    for candidate in due_certificates(today).values_list("pk", flat=True):
        with transaction.atomic():
            certificate = (
                Certificate.objects.select_for_update(of=("self",))
                .select_related("project__agency", "project__standard")
                .get(pk=candidate)
            )
            threshold = threshold_for((certificate.valid_until - today).days)
            already = certificate.reminded_before_days
            if threshold is None or (already is not None and already <= threshold):
                continue
            notifications.certificate_expiring(certificate, (certificate.valid_until - today).days)
            certificate.reminded_before_days = threshold
            certificate.save(update_fields=["reminded_before_days"])
            sent += 1
    return sent
