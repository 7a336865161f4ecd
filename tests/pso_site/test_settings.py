import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pso_site.lib.env import ImproperSetting, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw", ["1", "true", "YES", "on"])
def test_env_bool_reads_true_words(raw):
    assert env_bool("X", False, {"X": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off"])
def test_env_bool_reads_false_words(raw):
    assert env_bool("X", True, {"X": raw}) is False


@pytest.mark.parametrize("raw", ["flase", "2", "y", "enabled"])
def test_env_bool_rejects_anything_else(raw):
    with pytest.raises(ImproperSetting, match="not a boolean"):
        env_bool("X", False, {"X": raw})


def test_env_bool_default_when_unset_or_empty():
    assert env_bool("X", True, {}) is True
    assert env_bool("X", False, {"X": ""}) is False


def test_env_int_rejects_words():
    assert env_int("N", 5, {"N": "7"}) == 7
    with pytest.raises(ImproperSetting, match="not an integer"):
        env_int("N", 5, {"N": "seven"})


def test_env_list_splits_on_commas_and_rejects_empty_items():
    assert env_list("H", [], {"H": "a.go.th, b.go.th"}) == ["a.go.th", "b.go.th"]
    assert env_list("H", ["x"], {}) == ["x"]
    with pytest.raises(ImproperSetting, match="empty item"):
        env_list("H", [], {"H": "a,,b"})


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def run_check(**env):
    return run_manage("check", **env)


def test_debug_off_without_a_secret_key_refuses_to_start():
    result = run_check(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_off_with_a_secret_key_starts():
    result = run_check(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="pso.example")
    assert result.returncode == 0, result.stderr


def test_the_load_generator_is_installed_only_for_the_bench():
    """Production settings have no generate_load_data; DJANGO_BENCH_TOOLS adds it."""
    plain = run_manage("help", "generate_load_data", DJANGO_DEBUG="1")
    assert plain.returncode != 0
    assert "Unknown command" in plain.stderr
    bench = run_manage("help", "generate_load_data", DJANGO_DEBUG="1", DJANGO_BENCH_TOOLS="1")
    assert bench.returncode == 0, bench.stderr
    assert "--allow-real-data" in bench.stdout


def test_a_bad_boolean_stops_the_process():
    result = run_check(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "not a boolean" in result.stderr


def test_project_settings_are_thai_first(settings):
    assert settings.LANGUAGE_CODE == "th"
    assert settings.TIME_ZONE == "Asia/Bangkok"
    assert [code for code, _ in settings.LANGUAGES] == ["th", "en"]


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3y-" + "x9Q!" * 16,
    "DJANGO_ALLOWED_HOSTS": "pso.example.go.th",
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "DJANGO_TRUSTED_PROXY_COUNT": "1",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
}


def check_deploy(**environment):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **environment},
        capture_output=True,
        text=True,
    )


@pytest.fixture
def institute_key(tmp_path):
    from pso_site.lib.signing import identity_create

    path = identity_create(
        tmp_path / "institute.p12", "s3cret", organisation="P.S.O. Institute", common_name="P.S.O. Institute"
    )
    return {"DJANGO_SIGNING_KEY_FILE": str(path), "DJANGO_SIGNING_KEY_PASSPHRASE": "s3cret"}


def test_check_deploy_is_clean_with_the_production_settings(institute_key):
    """The production example of the README: `check --deploy` has nothing to say."""
    result = check_deploy(**institute_key)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_wants_the_institutes_own_signing_key(institute_key, tmp_path):
    missing = check_deploy(DJANGO_SIGNING_KEY_FILE=str(tmp_path / "none.p12"))
    assert missing.returncode != 0 and "pso.E016" in missing.stderr
    wrong = check_deploy(**{**institute_key, "DJANGO_SIGNING_KEY_PASSPHRASE": "wrong"})
    assert wrong.returncode != 0 and "pso.E016" in wrong.stderr
    from pso_site.lib.signing import demo_identity_create

    demo = demo_identity_create(tmp_path / "demo.p12", "demo")
    warned = check_deploy(DJANGO_SIGNING_KEY_FILE=str(demo), DJANGO_SIGNING_KEY_PASSPHRASE="demo")
    assert warned.returncode != 0 and "pso.W016" in warned.stderr


def test_check_deploy_wants_the_proxies_counted_behind_a_tls_proxy(institute_key):
    """Behind the proxy with no count, everyone is the proxy's address: five
    wrong passwords from anyone would lock any account out."""
    result = check_deploy(**institute_key, DJANGO_TRUSTED_PROXY_COUNT="0")
    assert result.returncode != 0 and "pso.E017" in result.stderr
    assert "DJANGO_TRUSTED_PROXY_COUNT" in result.stderr
    direct = check_deploy(**institute_key, DJANGO_BEHIND_TLS_PROXY="0", DJANGO_SECURE_SSL_REDIRECT="1")
    assert "pso.E017" not in direct.stderr  # no proxy, no count needed


def test_check_deploy_refuses_a_retired_certificate_it_cannot_read(institute_key, tmp_path):
    (tmp_path / "old.pem").write_text("not a certificate")
    result = check_deploy(**institute_key, DJANGO_SIGNING_RETIRED_CERTIFICATES=str(tmp_path / "old.pem"))
    assert result.returncode != 0 and "pso.E019" in result.stderr


def test_check_deploy_warns_of_a_cache_of_each_process(institute_key):
    result = check_deploy(**institute_key, DJANGO_CACHE_URL="locmem://")
    assert result.returncode != 0 and "pso.W018" in result.stderr


def test_the_readme_production_example_counts_its_proxy():
    readme = (ROOT / "README.md").read_text()
    example = readme[readme.index("## Production-like run") :]
    assert "DJANGO_TRUSTED_PROXY_COUNT=1" in example[: example.index("gunicorn")]


@pytest.mark.django_db
def test_every_page_is_sent_with_a_strict_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_the_security_contact_is_published(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@pso.example"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert lines["Contact"] == "mailto:security@pso.example"
    expires = datetime.datetime.fromisoformat(lines["Expires"].replace("Z", "+00:00"))
    assert (
        datetime.timedelta(days=30)
        < expires - datetime.datetime.now(datetime.UTC)
        < datetime.timedelta(days=365)
    )


@pytest.mark.django_db
def test_security_txt_is_where_rfc_9116_puts_it_names_itself_and_is_only_read(
    client, committee_member, settings
):
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["testserver", "pso.example"]
    url = reverse("security_txt")
    assert url == "/.well-known/security.txt"
    client.force_login_password_only(committee_member)  # open before the second factor, as to anyone
    response = client.get(url, HTTP_HOST="pso.example")
    assert response.status_code == 200
    lines = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert lines["Canonical"] == "http://pso.example/.well-known/security.txt"
    assert lines["Preferred-Languages"] == "th, en"
    assert client.post(url).status_code == 405
