"""Admin sign-in protection: locks per user name and address, per address, and lifting them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from supportscope.signin.protection import client_address, is_locked, lift
from tests.production import run_python

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "ann", password="correct-horse-42", is_staff=True, is_superuser=True
    )


def sign_in(client: Client, username: str, password: str, ip: str = HOME, **extra):
    form = {"username": username, "password": password}
    return client.post(LOGIN, form, REMOTE_ADDR=ip, **extra)


def fail(times: int, username: str = "ann", ip: str = HOME) -> None:
    client = Client()
    for _ in range(times):
        sign_in(client, username, "guess", ip=ip)


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


# -- the client's address ------------------------------------------------------------------


def test_the_address_ignores_x_forwarded_for_without_proxies(settings):
    settings.SUPPORTSCOPE_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.9"


def test_the_address_is_the_entry_the_trusted_proxy_wrote(settings):
    settings.SUPPORTSCOPE_PROXY_COUNT = 1
    forwarded = "192.0.2.1, 203.0.113.7"  # the client wrote the first, the proxy the last
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == "203.0.113.7"


# -- per user name and address -------------------------------------------------------------


def test_a_correct_password_signs_in(client, staff):
    assert signed_in(sign_in(client, "ann", "correct-horse-42"))


def test_four_wrong_passwords_do_not_lock(client, staff):
    fail(4)
    assert signed_in(sign_in(client, "ann", "correct-horse-42"))


def test_five_wrong_passwords_lock_the_name_from_that_address_even_for_the_right_password(
    client, staff
):
    fail(5)
    response = sign_in(client, "ann", "correct-horse-42")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_fifth_failure_itself_is_answered_with_the_lockout(client, staff):
    fail(4)
    assert sign_in(client, "ann", "guess").status_code == 429


def test_a_lock_on_the_name_from_one_address_leaves_other_addresses_alone(client, staff):
    fail(5, ip=HOME)
    assert signed_in(sign_in(client, "ann", "correct-horse-42", ip=ELSEWHERE))


def test_a_lock_on_one_name_leaves_other_names_from_the_same_address_alone(
    client, staff, django_user_model
):
    django_user_model.objects.create_user("bob", password="bob-password-42", is_staff=True)
    fail(5, username="bob")
    assert signed_in(sign_in(client, "ann", "correct-horse-42"))


def test_the_lock_ends_after_the_cool_off(client, staff, settings):
    fail(5)
    later = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=later)
    assert signed_in(sign_in(client, "ann", "correct-horse-42"))


def test_a_success_clears_that_names_failures_from_that_address(client, staff):
    fail(4)
    assert signed_in(sign_in(client, "ann", "correct-horse-42"))
    assert not AccessAttempt.objects.filter(username="ann").exists()


def test_the_limits_come_from_the_settings(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    fail(2)
    assert sign_in(client, "ann", "correct-horse-42").status_code == 429


# -- per address ---------------------------------------------------------------------------


def test_one_address_guessing_many_names_is_locked_at_the_address_limit(client, staff, settings):
    assert settings.SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS == 30
    for number in range(29):
        fail(1, username=f"user{number}")
    assert signed_in(sign_in(Client(), "ann", "correct-horse-42"))
    fail(1, username="user29")  # 29 failures are left after ann's success: the 30th locks
    fail(1, username="user30")
    assert sign_in(client, "ann", "correct-horse-42").status_code == 429


def test_an_address_lock_leaves_other_addresses_alone(client, staff, settings):
    settings.SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS = 8
    for number in range(8):
        fail(1, username=f"user{number}")
    assert sign_in(client, "ann", "correct-horse-42").status_code == 429
    assert signed_in(sign_in(Client(), "ann", "correct-horse-42", ip=ELSEWHERE))


def test_is_locked_counts_both_limits(staff, settings):
    settings.SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS = 8
    now = timezone.now()
    fail(5, username="ann")
    assert is_locked("ann", HOME, now)
    assert not is_locked("bob", HOME, now)
    fail(3, username="carol")
    assert is_locked("bob", HOME, now)
    assert not is_locked("bob", ELSEWHERE, now)
    assert not is_locked("ann", HOME, now + settings.AXES_COOLOFF_TIME + timedelta(seconds=1))


# -- the lockout page ----------------------------------------------------------------------


def test_the_lockout_page_keeps_the_admin_look_and_says_how_long(client, staff):
    fail(5)
    response = sign_in(client, "ann", "correct-horse-42")
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "try again in 15 minutes" in html
    assert "admin/css/login.css" in html
    assert "SupportScope administration" in html
    assert 'href="/admin/login/?next=/admin/"' in html  # back to the form


def test_the_lockout_page_is_in_korean(client, staff):
    fail(5)
    response = sign_in(client, "ann", "correct-horse-42", HTTP_ACCEPT_LANGUAGE="ko")
    html = response.content.decode()
    assert response.status_code == 429
    assert "15분 후에 다시 시도하세요" in html
    assert "로그인 화면으로 돌아가기" in html


def test_the_lockout_message_counts_one_minute_in_the_singular(client, staff, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    fail(5)
    response = sign_in(client, "ann", "correct-horse-42")
    assert response["Retry-After"] == "60"
    assert "try again in 1 minute." in response.content.decode()


def test_a_wrong_password_below_the_limit_keeps_the_admin_form_and_message(client, staff):
    response = sign_in(client, "ann", "guess")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


# -- seeing and lifting locks --------------------------------------------------------------

CHANGELIST = "/admin/signin/failedsignin/"


def test_lift_forgets_the_given_failures_only(staff):
    fail(5, username="ann")
    fail(2, username="bob")
    assert lift(AccessAttempt.objects.filter(username="ann")) == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["bob"]
    assert not is_locked("ann", HOME, timezone.now())


def test_staff_see_the_locks_in_the_admin(admin_client, staff):
    fail(5)
    fail(1, username="bob", ip=ELSEWHERE)
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    changelist = response.context["cl"]
    rows = {
        (r.username, r.ip_address): changelist.model_admin.locked(r) for r in changelist.result_list
    }
    assert rows == {("ann", HOME): True, ("bob", ELSEWHERE): False}


def test_the_admin_list_is_in_korean(admin_client, staff):
    fail(1)
    html = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "로그인 실패 기록" in html
    assert "클라이언트 주소" in html
    assert "현재 잠김" in html


def test_staff_lift_a_lock_in_the_admin(admin_client, client, staff):
    fail(5)
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = admin_client.post(
        CHANGELIST, {"action": "lift_locks", "_selected_action": ids}, follow=True
    )
    assert "1 failed sign-in forgotten." in response.content.decode()
    assert signed_in(sign_in(client, "ann", "correct-horse-42"))


def test_the_admin_cannot_add_or_edit_failures(admin_client, staff):
    fail(1)
    assert admin_client.get(CHANGELIST + "add/").status_code == 403
    actions = admin_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert [name for name, _ in actions if name] == ["lift_locks"]


def test_staff_without_delete_permission_cannot_lift(client, staff, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("vic", password="x-viewer-42", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_failedsignin"))
    client.force_login(viewer)
    fail(5)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["action_form"] is None


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("axes_reset_username", ["ann"]),
        ("axes_reset_ip", [HOME]),
        ("axes_reset_ip_username", [HOME, "ann"]),
        ("axes_reset", []),
    ],
)
def test_a_management_command_lifts_the_lock(client, staff, command, args, capsys):
    fail(5)
    call_command(command, *args)
    assert "attempts removed" in capsys.readouterr().out
    assert signed_in(sign_in(client, "ann", "correct-horse-42"))


def test_axes_list_attempts_shows_the_failures(staff, capsys):
    fail(3)
    call_command("axes_list_attempts")
    assert capsys.readouterr().out.split() == [HOME, "ann", "3"]


# -- settings ------------------------------------------------------------------------------

SHOW = "import django; django.setup(); from django.conf import settings as s; "
SHOW += "print(s.AXES_FAILURE_LIMIT, s.SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS, s.AXES_COOLOFF_TIME)"


def test_the_limits_and_cool_off_are_read_at_start_up():
    assert run_python("-c", SHOW).stdout.split() == ["5", "30", "0:15:00"]
    process = run_python(
        "-c",
        SHOW,
        SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER="3",
        SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS="50",
        SUPPORTSCOPE_SIGNIN_COOLOFF_MINUTES="60",
    )
    assert process.stdout.split() == ["3", "50", "1:00:00"]


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER": "0"}, "SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER"),
        ({"SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER": "five"}, "SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER"),
        ({"SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS": "-1"}, "SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS"),
        ({"SUPPORTSCOPE_SIGNIN_COOLOFF_MINUTES": "1.5"}, "SUPPORTSCOPE_SIGNIN_COOLOFF_MINUTES"),
        ({"SUPPORTSCOPE_SIGNIN_COOLOFF_MINUTES": "0"}, "SUPPORTSCOPE_SIGNIN_COOLOFF_MINUTES"),
        (
            {
                "SUPPORTSCOPE_SIGNIN_LIMIT_PER_USER": "10",
                "SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS": "9",
            },
            "SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS",
        ),
    ],
)
def test_a_bad_sign_in_setting_stops_start_up_with_its_name(variables, named):
    process = run_python("-c", SHOW, **variables)
    assert process.returncode != 0
    assert "Traceback" not in process.stderr
    assert process.stderr.startswith(f"SupportScope configuration error: {named}: ")
