"""``manage.py check --deploy``.

- Issued documents need the institute's own signing identity. A missing or
  unreadable key file would fail every issued dossier and certificate (each
  is marked failed and can be built again), and a demo identity signs
  documents nobody should trust. The key must be RSA: with ECDSA the
  signed file becomes PDF 2.0 while it declares PDF/A-3b (PDF 1.7).
- Behind the TLS proxy, the client's address is the one the proxy saw only
  when ``DJANGO_TRUSTED_PROXY_COUNT`` says how many proxies there are;
  without it every visitor has the proxy's address: five wrong passwords
  from anyone lock any account out, and one visitor spends everyone's
  budget of certificate checks.
- Rate limits and sign-in waits hold across processes only in a shared cache.
"""

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
    if identity.archival_problem:
        return [
            checks.Error(identity.archival_problem, hint="docs/dossier.md: the signing key", id="pso.E020")
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


@checks.register(checks.Tags.security, deploy=True)
def trusted_proxy_check(app_configs=None, **kwargs):
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.TRUSTED_PROXY_COUNT <= 0:
        return [
            checks.Error(
                "Behind a TLS proxy (DJANGO_BEHIND_TLS_PROXY) with DJANGO_TRUSTED_PROXY_COUNT=0, every visitor "
                "has the proxy's address: lock-outs and rate limits would count everyone as one.",
                hint="Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For "
                "(1 for one nginx; docs/deployment.md).",
                id="pso.E017",
            )
        ]
    return []


PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, deploy=True)
def shared_cache_check(app_configs=None, **kwargs):
    backend = settings.CACHES.get("shared", {}).get("BACKEND", "")
    if backend in PROCESS_CACHES:
        return [
            checks.Warning(
                "The shared cache (DJANGO_CACHE_URL) lives in each process: rate limits and sign-in waits "
                "are counted per process, not per site.",
                hint="Use db:// (the default) or redis:// (docs/deployment.md).",
                id="pso.W018",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def retired_certificates_check(app_configs=None, **kwargs):
    """A retired certificate that cannot be read would leave the documents
    it signed refused by the public check."""
    return [
        checks.Error(
            problem,
            hint="DJANGO_SIGNING_RETIRED_CERTIFICATES lists PEM files of the institute's earlier "
            "certificates (docs/dossier.md).",
            id="pso.E019",
        )
        for problem in signing.retired_certificate_problems()
    ]
