from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies, people and the standards catalogue")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_delete, post_save

        from agencies import audit
        from agencies.catalogue import forget_catalogue_standards, forget_catalogue_steps
        from agencies.models import Standard, Step

        user_logged_in.connect(audit.signed_in, dispatch_uid="pso-access-sign-in")
        user_login_failed.connect(audit.sign_in_failed, dispatch_uid="pso-access-sign-in-failed")
        post_save.connect(forget_catalogue_steps, sender=Step, dispatch_uid="forget-steps-on-save")
        post_delete.connect(forget_catalogue_steps, sender=Step, dispatch_uid="forget-steps-on-delete")
        post_save.connect(
            forget_catalogue_standards, sender=Standard, dispatch_uid="forget-standards-on-save"
        )
        post_delete.connect(
            forget_catalogue_standards, sender=Standard, dispatch_uid="forget-standards-on-delete"
        )
