"""Security headers, TLS behaviour behind a proxy, cookies, CSRF and ``check --deploy``."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import django_htmx
import pytest
from django.conf import settings
from django.test import Client, override_settings

from supportscope.policy.models import Clause
from tests.pages import PAGES, PUBLIC_PAGES
from tests.production import run_python

BASE_DIR = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def csp(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    parsed = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def assert_strict_csp(response, where: str) -> None:  # type: ignore[no-untyped-def]
    policy = csp(response)
    for directive in ("script-src", "style-src", "default-src"):
        assert policy[directive] == ["'self'"], f"{where}: {directive} {policy[directive]}"
    assert "script-src-attr" not in policy, where
    assert "script-src-elem" not in policy, where
    assert policy["object-src"] == ["'none'"], where
    assert policy["base-uri"] == ["'none'"], where
    assert not any("unsafe" in value for values in policy.values() for value in values), where


# -- headers -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PAGES, ids=[kind.name for kind in PAGES])
def test_every_page_sends_the_security_headers(kind, client, admin_client):
    response = (admin_client if kind.needs_login else client).get(kind.path_for())
    where = kind.path_for()
    assert_strict_csp(response, where)
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    if kind.embeddable:
        assert csp(response)["frame-ancestors"] == settings.SUPPORTSCOPE_EMBED_ORIGINS, where
        assert "X-Frame-Options" not in response, where
    else:
        assert csp(response)["frame-ancestors"] == ["'none'"], where
        assert response["X-Frame-Options"] == "DENY", where


@pytest.mark.parametrize("path", ["/api/v1/verdict?component=api-server", "/api/v1/openapi.json"])
def test_api_responses_send_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_strict_csp(response, path)
    assert csp(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_embed_origin_frames_only_the_embed_page(client):
    assert settings.SUPPORTSCOPE_EMBED_ORIGINS, "tests/settings.py sets an embed origin"
    for page in PUBLIC_PAGES:
        frame_ancestors = csp(client.get(page.path_for()))["frame-ancestors"]
        assert (frame_ancestors != ["'none'"]) is page.embeddable, page.path


# -- TLS behind a proxy, HSTS, cookies --------------------------------------------------------


def test_tests_run_with_debug_off():
    # The checks below are about production behaviour; DJANGO_DEBUG must not leak in.
    assert settings.DEBUG is False


def test_hsts_is_sent_on_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_x_forwarded_proto_from_the_proxy_is_trusted(client):
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


def test_no_hsts_on_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https():
    client = Client()  # a new handler reads the overridden setting
    response = client.get("/policy/?lang=ko")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/policy/?lang=ko"
    forwarded = client.get("/policy/?lang=ko", HTTP_X_FORWARDED_PROTO="https")
    assert forwarded.status_code == 200


def test_language_cookie_is_secure(client):
    cookie = client.get("/", {"lang": "ko"}, secure=True).cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_csrf_and_session_cookies_are_secure_and_http_only(client, admin_user):
    login = client.get("/admin/login/", secure=True)
    csrf_cookie = login.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["secure"] is True
    assert csrf_cookie["httponly"] is True
    response = client.post(
        "/admin/login/",
        {"username": "admin", "password": "password", "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"


def run_with_production_settings(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_python(*args, DATABASE_URL=f"sqlite:///{tmp_path}/production.sqlite3")


def test_check_deploy_reports_no_issues_under_production_settings(tmp_path):
    process = run_with_production_settings(
        tmp_path, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert "System check identified no issues" in process.stdout


PROXY_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="supportscope.example.com")
plain = client.get("/policy/?lang=ko")
behind_tls = client.get("/no-such-page/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "tls": [behind_tls.status_code, behind_tls.get("Strict-Transport-Security")],
}))
"""


def test_production_settings_redirect_http_and_trust_the_proxy(tmp_path):
    process = run_with_production_settings(tmp_path, "-c", PROXY_SCRIPT)
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout.splitlines()[-1])
    assert result["plain"] == [301, "https://supportscope.example.com/policy/?lang=ko"]
    assert result["tls"] == [404, "max-age=31536000; includeSubDomains"]


# -- CSRF -------------------------------------------------------------------------------------


def test_csrf_middleware_is_on():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_admin_login_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "admin", "password": "password"})
    assert response.status_code == 403


def test_admin_change_form_post_without_csrf_token_is_refused(admin_user):
    clause = Clause.objects.order_by("pk").first()
    body_before = clause.body_en
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    path = f"/admin/policy/clause/{clause.pk}/change/"
    response = client.post(path, {"body_en": "changed", "body_ko": "changed"})
    assert response.status_code == 403
    clause.refresh_from_db()
    assert clause.body_en == body_before


def test_admin_change_form_post_with_csrf_token_passes_the_csrf_check(admin_user):
    clause = Clause.objects.order_by("pk").first()
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    path = f"/admin/policy/clause/{clause.pk}/change/"
    client.get("/admin/")  # its logout form sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(path, {"csrfmiddlewaretoken": token})
    assert response.status_code != 403


# -- htmx and templates under a strict CSP ------------------------------------------------


def htmx_config(html: str) -> dict:
    match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert match, "base.html carries the htmx-config meta"
    return json.loads(match.group(1))


def test_htmx_is_configured_for_a_strict_csp(client):
    config = htmx_config(client.get("/").content.decode())
    assert config["includeIndicatorStyles"] is False  # no inline <style> injected
    assert config["allowEval"] is False  # no eval: hx-on, js: values and filters are off
    assert config["allowScriptTags"] is False  # swapped-in <script> never runs


def test_htmx_config_keys_are_htmx_2_options(client):
    # A misspelled or other-version key (htmx 4 says includeIndicatorCSS) is ignored silently.
    config = htmx_config(client.get("/").content.decode())
    htmx_js = Path(django_htmx.__file__).parent / "static" / "django_htmx" / "htmx-2.js"
    source = htmx_js.read_text()
    for key in config:
        assert re.search(rf"^\s+{key}: ", source, re.MULTILINE), key


def test_htmx_is_served_by_the_app(client):
    html = client.get("/").content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2(\.min)?\.js', html)


TEMPLATES = sorted((BASE_DIR / "templates").rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_templates_have_no_inline_script_handler_or_style(template):
    source = template.read_text()
    assert not INLINE_SCRIPT.search(source), "inline <script>"
    assert not HANDLER.search(source), "on*= handler"
    assert not STYLE_ATTRIBUTE.search(source), "style= attribute"
    assert "<style" not in source, "<style> element"


@pytest.mark.parametrize("script", sorted((BASE_DIR / "static" / "js").glob("*.js")), ids=str)
def test_static_scripts_do_not_evaluate_strings(script):
    source = script.read_text()
    assert not re.search(r"\beval\s*\(|\bnew\s+Function\s*\(", source)
    assert not re.search(r"set(Timeout|Interval)\s*\(\s*['\"`]", source)
