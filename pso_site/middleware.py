from django.contrib import messages
from django.shortcuts import redirect

from assessment.access import ProjectReadOnly


class ReadOnlyProjectMiddleware:
    """Turn a write to a locked project into a message on the project page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ProjectReadOnly):
            messages.error(request, str(exception))
            return redirect("assessment:project", pk=exception.project.pk)
        return None
