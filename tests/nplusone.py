"""django-zeal around every request of the test suite, except the Django
admin's own pages (Django's code, which reads the same row twice by
design); ours may not repeat a query per row."""

from zeal import zeal_context


def zeal_middleware(get_response):
    def middleware(request):
        if request.path.startswith("/admin/"):
            return get_response(request)
        with zeal_context():
            return get_response(request)

    return middleware
