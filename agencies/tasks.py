"""E-mails about a person's own account, sent by the task worker."""

import datetime

from pso_site.lib.tasks import task


@task(queue_name="mail")
def mail_two_step_changed(user_id: int, change: str, at: str, address: str, base_url: str = "") -> int:
    """Tell the person that their two-step sign-in changed (``change`` is one
    of ``agencies.twofactor.CHANGES``), when and from which address."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from agencies.notify import notify

    context = {"change": change, "at": datetime.datetime.fromisoformat(at), "address": address}
    people = get_user_model().objects.filter(pk=user_id)
    return notify(people, "two_step_changed", context, path=reverse("agencies:two_factor"), base_url=base_url)
