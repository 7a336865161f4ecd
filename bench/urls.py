"""The site's URLs plus the bare view every page is compared with: the same
middleware stack, no work."""

from django.http import HttpResponse
from django.urls import include, path


def ok(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/ok/", ok), path("", include("pso_site.urls"))]
