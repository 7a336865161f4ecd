from django.contrib import messages
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

from assessment.access import ProjectReadOnly, ProjectUnderRevision


class ReadOnlyProjectMiddleware:
    """Turn a write to a locked project into a message on the project page,
    and an institute reader's visit to a project under revision into the
    version that was submitted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ProjectReadOnly):
            messages.error(request, str(exception))
            return redirect("assessment:project", pk=exception.project.pk)
        if isinstance(exception, ProjectUnderRevision):
            return redirect("certification:submitted", pk=exception.project.pk)
        return None


class PrivateByDefaultMiddleware:
    """Pages and downloads are private unless a view says otherwise: a shared
    office computer or a proxy keeps no copy of a project, a dossier or an
    evidence file (``Cache-Control: private, no-store``). The public
    verification page sets its own, short public caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
