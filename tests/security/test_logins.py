"""Sign-ins: admin logins throttled then locked (django-axes), the unlock view, private
pages' password form throttled, long passwords, idle admin sessions."""

from unittest import mock

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse
from wagtail.models import PageViewRestriction

from rencontres import roles
from tests.factories import RencontrePageFactory, build_site, superuser

PASSWORD = "un-mot-de-passe-assez-long"
LOCKED = "Trop de tentatives de connexion échouées : la connexion est bloquée pendant 15 minutes."


def make_user(username, *groups):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@override_settings(AXES_FAILURE_LIMIT=5, AXES_COOLOFF_TIME=0.25, TRUSTED_PROXIES=[])
class AdminLoginThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("claire", roles.EDITORS)

    def login(self, username, password, **extra):
        return self.client.post(
            "/admin/login/", {"username": username, "password": password}, **extra
        )

    def assert_signed_in(self, response):
        self.assertEqual(response.status_code, 302, response.content[:300])
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.client.logout()

    def assert_locked(self, response):
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, LOCKED, status_code=429)
        self.assertEqual(self.client.get("/admin/").status_code, 302)  # not signed in

    def test_failures_lock_the_user_name_with_a_french_message(self):
        for _ in range(4):
            response = self.login("claire", "mauvais")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "ne correspondent à aucun utilisateur")
        self.assert_locked(self.login("claire", "mauvais"))
        # The right password is refused too while locked, from any address.
        self.assert_locked(self.login("claire", PASSWORD))
        self.assert_locked(self.login("claire", PASSWORD, REMOTE_ADDR="198.51.100.4"))

    def test_failures_lock_the_address_for_every_name(self):
        for number in range(5):
            self.login(f"inconnu{number}", "mauvais")
        self.assert_locked(self.login("claire", PASSWORD))
        self.assert_signed_in(self.login("claire", PASSWORD, REMOTE_ADDR="198.51.100.4"))

    def test_a_success_from_the_same_address_does_not_wipe_the_count(self):
        make_user("malik", roles.EDITORS)
        for _ in range(4):
            self.login("claire", "mauvais")
        self.assert_signed_in(self.login("malik", PASSWORD))
        self.assert_locked(self.login("claire", "mauvais"))

    def test_a_forged_forwarded_address_does_not_escape_the_lock(self):
        for number in range(5):
            self.login("claire", "mauvais", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
        self.assert_locked(self.login("inconnu", "x", HTTP_X_FORWARDED_FOR="203.0.113.99"))

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_behind_the_trusted_proxy_each_client_is_counted_apart(self):
        attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}
        for number in range(5):
            self.login(f"inconnu{number}", "mauvais", **attacker)
        self.assert_locked(self.login("claire", PASSWORD, **attacker))
        colleague = {"HTTP_X_FORWARDED_FOR": "203.0.113.2"}
        self.assert_signed_in(self.login("claire", PASSWORD, **colleague))


@override_settings(AXES_FAILURE_LIMIT=5, AXES_COOLOFF_TIME=0.25, TRUSTED_PROXIES=[])
class UnlockViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.administrator = make_user("admin-site", roles.ADMINISTRATORS)
        cls.moderator = make_user("moderation", roles.MODERATORS)
        cls.editor = make_user("claire", roles.EDITORS)

    def lock_claire(self):
        for _ in range(5):
            self.client.post(
                "/admin/login/",
                {"username": "claire", "password": "mauvais"},
                REMOTE_ADDR="198.51.100.7",
            )

    def test_an_administrator_sees_and_lifts_locks(self):
        self.lock_claire()
        self.client.force_login(self.administrator)
        dashboard = self.client.get("/admin/")
        self.assertContains(dashboard, "/admin/connexions-bloquees/")  # in the settings menu
        page = self.client.get("/admin/connexions-bloquees/")
        self.assertContains(page, "claire")
        self.assertContains(page, "198.51.100.7")
        response = self.client.post("/admin/connexions-bloquees/", {"username": "claire"})
        self.assertRedirects(response, "/admin/connexions-bloquees/", fetch_redirect_response=False)
        page = self.client.get("/admin/connexions-bloquees/")
        self.assertContains(page, "La connexion de « claire » est débloquée.")
        self.assertContains(page, "Aucun utilisateur bloqué.")
        self.client.post("/admin/connexions-bloquees/", {"ip_address": "198.51.100.7"})
        self.assertContains(
            self.client.get("/admin/connexions-bloquees/"), "Aucune adresse bloquée."
        )
        self.client.logout()
        response = self.client.post(
            "/admin/login/",
            {"username": "claire", "password": PASSWORD},
            REMOTE_ADDR="198.51.100.7",
        )
        self.assertEqual(response.status_code, 302)

    def test_others_cannot(self):
        self.lock_claire()
        for user in (self.moderator, self.editor):
            with self.subTest(user.username):
                self.client.force_login(user)
                self.assertNotContains(self.client.get("/admin/"), "/admin/connexions-bloquees/")
                # Wagtail answers a refusal by sending back to the dashboard.
                for response in (
                    self.client.get("/admin/connexions-bloquees/"),
                    self.client.post("/admin/connexions-bloquees/", {"username": "claire"}),
                ):
                    self.assertRedirects(response, "/admin/")
        self.assertEqual(AccessAttempt.objects.filter(username="claire").count(), 1)


@override_settings(
    PAGE_PASSWORD_THROTTLE={"per_address": 3, "per_restriction": 5, "window": 900},
    TRUSTED_PROXIES=[],
)
class PagePasswordThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _home, index = build_site()
        cls.page = RencontrePageFactory(parent=index, title="Atelier réservé", slug="reserve")
        cls.page.save_revision().publish()
        cls.restriction = PageViewRestriction.objects.create(
            page=cls.page, restriction_type=PageViewRestriction.PASSWORD, password="le-secret"
        )

    def setUp(self):
        cache.clear()

    def submit(self, password, address="198.51.100.1"):
        return self.client.post(
            f"/_util/authenticate_with_password/{self.restriction.pk}/{self.page.pk}/",
            {"password": password, "return_url": "/rencontres/reserve/"},
            REMOTE_ADDR=address,
        )

    def test_wrong_passwords_are_throttled_per_address(self):
        for _ in range(3):
            response = self.submit("mauvais")
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, "Trop de mots de passe")
        throttled = self.submit("le-secret")  # even the right one: no oracle while throttled
        self.assertContains(
            throttled,
            "Trop de mots de passe erronés ont été saisis. Réessayez dans quelques minutes.",
            status_code=429,
        )
        self.assertNotContains(self.client.get("/rencontres/reserve/"), "Atelier réservé")
        elsewhere = self.submit("le-secret", address="198.51.100.2")
        self.assertRedirects(elsewhere, "/rencontres/reserve/", fetch_redirect_response=False)

    def test_and_per_page_whatever_the_address(self):
        for number in range(5):
            self.submit("mauvais", address=f"198.51.100.{10 + number}")
        self.assertEqual(self.submit("le-secret", address="198.51.100.99").status_code, 429)


class PasswordLengthTests(TestCase):
    def test_an_administrator_cannot_give_a_password_shorter_than_12(self):
        self.client.force_login(superuser())
        data = {
            "username": "nouveau",
            "email": "nouveau@example.org",
            "first_name": "Nour",
            "last_name": "Veau",
            "password1": "Court-11car",
            "password2": "Court-11car",
        }
        response = self.client.post(reverse("wagtailusers_users:add"), data)
        self.assertContains(response, "Il doit contenir au minimum 12 caractères.")
        self.assertFalse(get_user_model().objects.filter(username="nouveau").exists())
        data["password1"] = data["password2"] = "Assez-long-12"
        self.client.post(reverse("wagtailusers_users:add"), data)
        self.assertTrue(get_user_model().objects.filter(username="nouveau").exists())


# 2030-03-17 18:33:20 UTC: the fixed clock of the idle-session tests.
NOW = 1_900_000_000


class IdleSessionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = superuser()

    def get_admin_at(self, seconds):
        with mock.patch("rencontres_site.security.sessions.time.time", return_value=NOW + seconds):
            return self.client.get("/admin/")

    def test_an_active_session_lasts(self):
        self.client.force_login(self.user)
        for hours in (0, 11, 22, 33):
            self.assertEqual(self.get_admin_at(hours * 3600).status_code, 200, hours)
        self.assertEqual(self.client.session.get_expiry_age(), 12 * 3600)

    def test_twelve_idle_hours_sign_out(self):
        self.client.force_login(self.user)
        self.assertEqual(self.get_admin_at(0).status_code, 200)
        response = self.get_admin_at(12 * 3600 + 61)
        self.assertRedirects(response, "/admin/login/?next=/admin/")
        self.assertEqual(self.get_admin_at(12 * 3600 + 62).status_code, 302)

    def test_public_pages_and_api_answers_leave_the_session_alone(self):
        build_site()
        self.client.force_login(self.user)
        self.get_admin_at(0)
        for url in ("/", "/api/v2/rencontres/", "/api/v3/rencontres/"):
            with mock.patch("rencontres_site.security.sessions.time.time", return_value=NOW + 3600):
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertEqual(response.cookies, {}, url)
            self.assertNotIn("Cookie", response.get("Vary", ""), url)

    @override_settings(ADMIN_SESSION_IDLE_TIMEOUT=600)
    def test_the_idle_time_is_a_setting(self):
        self.client.force_login(self.user)
        self.assertEqual(self.get_admin_at(0).status_code, 200)
        self.assertEqual(self.get_admin_at(599).status_code, 200)
        self.assertEqual(self.get_admin_at(599 + 601).status_code, 302)
