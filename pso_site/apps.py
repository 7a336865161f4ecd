from django.apps import AppConfig


class PsoSiteConfig(AppConfig):
    name = "pso_site"
    verbose_name = "P.S.O."

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from agencies import twofactor
        from pso_site.middleware import session_started

        user_logged_in.connect(session_started, dispatch_uid="pso-idle-clock")
        user_logged_in.connect(twofactor.session_started, dispatch_uid="pso-second-factor")
