"""`manage.py ensure_superuser`: one administrator, never a fixed password."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PASSWORD_LINE = re.compile(r"Mot de passe \(affiché une seule fois, notez-le\) : (\S+)")


def ensure_superuser():
    out = StringIO()
    call_command("ensure_superuser", stdout=out)
    return out.getvalue()


@pytest.fixture
def no_env(monkeypatch):
    for name in ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def test_generated_password_is_printed_once_and_works(no_env):
    output = ensure_superuser()

    password = PASSWORD_LINE.search(output).group(1)
    assert len(password) >= 20
    assert authenticate(username="admin", password=password).is_superuser

    again = ensure_superuser()
    assert "existe déjà" in again
    assert password not in again
    assert get_user_model().objects.count() == 1


def test_generated_password_is_never_the_same(no_env):
    first = PASSWORD_LINE.search(ensure_superuser()).group(1)
    get_user_model().objects.all().delete()
    second = PASSWORD_LINE.search(ensure_superuser()).group(1)

    assert first != second


def test_username_and_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "redaction")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "une phrase de passe assez longue")

    output = ensure_superuser()

    assert "une phrase de passe" not in output
    assert not PASSWORD_LINE.search(output)
    user = authenticate(username="redaction", password="une phrase de passe assez longue")
    assert user.is_superuser


def test_existing_non_admin_account_is_not_promoted_silently(no_env):
    get_user_model().objects.create_user(username="admin", password="ancien mot de passe")

    with pytest.raises(CommandError, match="n’est pas administrateur"):
        ensure_superuser()

    assert not get_user_model().objects.filter(is_superuser=True).exists()
