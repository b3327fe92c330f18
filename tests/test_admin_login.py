"""Admin sign-in is throttled per user name and per client address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from supportscope.policy.models import LoginFailure

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "ann", password="correct-horse-42", is_staff=True, is_superuser=True
    )


def sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_correct_password_signs_in(client, staff):
    response = sign_in(client, "ann", "correct-horse-42")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_five_wrong_passwords_lock_the_name_even_for_the_right_password(client, staff):
    for _ in range(5):
        assert sign_in(client, "ann", "guess").status_code == 200
    response = sign_in(client, "ann", "correct-horse-42")
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_name_lock_ignores_case_and_spaces(client, staff):
    for _ in range(5):
        sign_in(client, "ANN ", "guess")
    assert "Too many failed" in sign_in(client, "ann", "correct-horse-42").content.decode()


def test_the_lock_ends_when_the_failures_leave_the_window(client, staff):
    for _ in range(5):
        sign_in(client, "ann", "guess")
    LoginFailure.objects.update(created=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "ann", "correct-horse-42").status_code == 302


def test_the_lock_message_says_how_long_to_wait(client, staff):
    for _ in range(5):
        sign_in(client, "ann", "guess")
    LoginFailure.objects.update(created=timezone.now() - timedelta(minutes=12))
    assert "paused for 3 minute(s)" in sign_in(client, "ann", "x").content.decode()


def test_one_address_guessing_many_names_is_locked_too(client, staff, settings):
    settings.SUPPORTSCOPE_LOGIN_FAILURES_PER_IP = 8
    for number in range(8):
        sign_in(client, f"user{number}", "guess", ip="10.9.9.9")
    assert (
        "Too many failed"
        in sign_in(client, "ann", "correct-horse-42", ip="10.9.9.9").content.decode()
    )
    # Another address is not affected.
    assert sign_in(Client(), "ann", "correct-horse-42", ip="10.0.0.2").status_code == 302


def test_a_success_clears_the_names_failures(client, staff):
    for _ in range(4):
        sign_in(client, "ann", "guess")
    assert sign_in(client, "ann", "correct-horse-42").status_code == 302
    assert not LoginFailure.objects.filter(scope="user").exists()


def test_names_are_stored_hashed(client, staff):
    sign_in(client, "my-secret-typed-in-the-name-box", "guess")
    assert not LoginFailure.objects.filter(key__contains="secret").exists()
    assert all(len(key) == 64 for key in LoginFailure.objects.values_list("key", flat=True))
