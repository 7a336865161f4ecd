from django.apps import AppConfig


class PsoSiteConfig(AppConfig):
    name = "pso_site"
    verbose_name = "P.S.O."
