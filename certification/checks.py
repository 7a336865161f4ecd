"""``manage.py check --deploy``: issued documents need the institute's own
signing identity. A missing or unreadable key file would fail every issued
dossier and certificate (each is marked failed and can be built again), and
a demo identity signs documents nobody should trust."""

from django.conf import settings
from django.core import checks

from pso_site.lib import signing


@checks.register(checks.Tags.security, deploy=True)
def signing_identity_check(app_configs=None, **kwargs):
    try:
        identity = signing.identity()
    except signing.SigningUnavailable as error:
        return [
            checks.Error(
                str(error),
                hint="Set DJANGO_SIGNING_KEY_FILE and DJANGO_SIGNING_KEY_PASSPHRASE to the institute's "
                "PKCS#12 file (docs/dossier.md).",
                id="pso.E016",
            )
        ]
    if identity.is_demo and not settings.DEBUG:
        return [
            checks.Warning(
                f"Issued documents are signed with a demo identity ({identity.name}).",
                hint="Use the institute's own certificate (docs/dossier.md).",
                id="pso.W016",
            )
        ]
    return []
