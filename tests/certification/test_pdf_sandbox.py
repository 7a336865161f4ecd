"""User text never steers the PDF renderer: the agency's name reaches the
running header as text (never as CSS), and the renderer fetches nothing but
the site's own static files — no other file of the server, no network."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from agencies.models import Agency
from certification.dossier import dossier_pdf
from pso_site.lib.pdf import extract_text, render_pdf

pytestmark = pytest.mark.pdf


@pytest.fixture
def listener():
    """A local web server that records every request it receives."""
    requests = []

    class Record(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { background: url(/fetched-too.png) }")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()


def test_the_renderer_reads_no_file_and_no_url_outside_the_static_files(listener, tmp_path):
    base, requests = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT")
    html = f"""<html><head><style>@import url({base}/style.css);
    @font-face {{ font-family: X; src: url({base}/font.ttf); }}</style></head>
    <body><p>ข้อความ</p><img src="file:///etc/passwd"><img src="{secret.as_uri()}">
    <img src="{base}/image.png"><link rel="stylesheet" href="{base}/linked.css"></body></html>"""
    pdf = render_pdf(html)
    assert requests == []
    assert b"SECRET-CONTENT" not in pdf and b"root:x:0" not in pdf
    assert "ข้อความ" in extract_text(pdf)


@pytest.mark.django_db
def test_a_hostile_agency_name_is_shown_as_text_and_fetches_nothing(listener, planned_project):
    base, requests = listener
    hostile = f'ลำปาง"; }}\n@import url({base}/x.css); @page {{ @top-left {{ content: "ถูกแทรก" }} }} .x {{ background: url({base}/y.png)'
    Agency.objects.filter(pk=planned_project.agency_id).update(name_th=hostile)
    planned_project.refresh_from_db()
    text = " ".join(extract_text(dossier_pdf(planned_project, draft=True)).split())
    assert requests == []
    assert "@import url(" in text  # the name is printed as it is, as text
    assert text.count("ลำปาง") >= 2  # on the cover and in the running header
