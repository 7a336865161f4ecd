from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies, people and the standards catalogue")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from agencies.catalogue import forget_catalogue_steps
        from agencies.models import Step

        post_save.connect(forget_catalogue_steps, sender=Step, dispatch_uid="forget-steps-on-save")
        post_delete.connect(forget_catalogue_steps, sender=Step, dispatch_uid="forget-steps-on-delete")
