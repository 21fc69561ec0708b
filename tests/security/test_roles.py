"""Editorial roles: « Rédaction », « Modération », « Administration » × every action, through
the admin; the « Relecture » workflow on the index of every language."""

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase
from django.urls import reverse
from wagtail.models import Page, WorkflowPage
from wagtail_localize.models import TranslationSource

from rencontres import roles
from rencontres.models import RencontreIndexPage, RencontrePage
from rencontres.models.permissions import EXPORT, IMPORT, WEBHOOKS
from tests.factories import (
    DsfrConfigFactory,
    RencontrePageFactory,
    rencontre_form_data,
    superuser,
)
from tests.localisation.helpers import build_bilingual_site, english

ACTIONS = [
    "edit",
    "submit",
    "publish",
    "unpublish",
    "delete",
    "translate",
    "import",
    "export",
    "webhooks",
    "site configuration",
    "users",
]
ALLOWED = {
    roles.EDITORS: {"edit", "submit", "translate"},
    roles.MODERATORS: {"edit", "submit", "publish", "unpublish", "delete", "translate"},
    roles.ADMINISTRATORS: {"import", "export", "webhooks", "site configuration", "users"},
}


class RoleMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index, cls.en_home, cls.en_index = build_bilingual_site()
        cls.en = english()
        cls.configuration = DsfrConfigFactory(language="fr")
        cls.users = {}
        for number, name in enumerate(ALLOWED):
            user = get_user_model().objects.create_user(
                username=f"membre{number}", password="un-mot-de-passe-assez-long"
            )
            user.groups.add(Group.objects.get(name=name))
            cls.users[name] = user

    def live_rencontre(self, slug):
        page = RencontrePageFactory(parent=self.index, title="Atelier en ligne", slug=slug)
        page.save_revision().publish()
        return RencontrePage.objects.get(pk=page.pk)

    def edit_form(self, page, action, title):
        data = rencontre_form_data(title=title, slug=page.slug)
        return self.client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), {**data, action: action}
        )

    # Each action returns whether it took effect.

    def do_edit(self, page):
        return (
            self.client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
        )

    def do_submit(self, page):
        self.edit_form(page, "action-submit", "Atelier proposé")
        page = Page.objects.get(pk=page.pk)
        return page.workflow_in_progress and page.current_workflow_task.name == roles.WORKFLOW

    def do_publish(self, page):
        self.edit_form(page, "action-publish", "Atelier publié")
        return RencontrePage.objects.get(pk=page.pk).title == "Atelier publié"

    def do_unpublish(self, page):
        self.client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
        return not Page.objects.get(pk=page.pk).live

    def do_delete(self, page):
        self.client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
        return not Page.objects.filter(pk=page.pk).exists()

    def do_translate(self, page):
        url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
        self.client.post(url, {"locales": [self.en.pk]})
        source = TranslationSource.objects.filter(object_id=page.translation_key).first()
        return source is not None and page.get_translation_or_none(self.en) is not None

    def do_import(self, page):
        response = self.client.get(reverse("rencontres_import:start"))
        return response.status_code == 200 and self.user.has_perm(IMPORT)

    def do_webhooks(self, page):
        response = self.client.get(reverse("webhooks:index"))
        return response.status_code == 200 and self.user.has_perm(WEBHOOKS)

    def do_export(self, page):
        response = self.client.get("/admin/rencontres/", {"export": "csv"})
        return response.status_code == 200 and response["Content-Type"].startswith("text/csv")

    def do_site_configuration(self, page):
        url = reverse("wagtailsnippets_dsfr_dsfrconfig:edit", args=[self.configuration.pk])
        return self.client.get(url).status_code == 200

    def do_users(self, page):
        return self.client.get(reverse("wagtailusers_users:index")).status_code == 200

    def test_every_role_and_action(self):
        found = {}
        for number, (name, user) in enumerate(self.users.items()):
            self.user = user
            self.client.force_login(user)
            for action in ACTIONS:
                page = self.live_rencontre(f"atelier-{number}-{action.replace(' ', '-')}")
                found[name, action] = getattr(self, "do_" + action.replace(" ", "_"))(page)
        expected = {
            (name, action): action in allowed
            for name, allowed in ALLOWED.items()
            for action in ACTIONS
        }
        wrong = {key: value for key, value in found.items() if value != expected[key]}
        self.assertEqual(wrong, {}, "(role, action): what happened, against the matrix")

    def test_an_editor_exports_nothing_even_by_url(self):
        self.client.force_login(self.users[roles.EDITORS])
        listing = self.client.get("/admin/rencontres/")
        self.assertEqual(listing.status_code, 200)
        self.assertNotContains(listing, "export=xlsx")
        self.assertRedirects(self.client.get("/admin/rencontres/?export=xlsx"), "/admin/")
        self.assertFalse(self.users[roles.EDITORS].has_perm(EXPORT))


class WorkflowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index, cls.en_home, cls.en_index = build_bilingual_site()
        cls.editor = get_user_model().objects.create_user(username="claire", password="x" * 12)
        cls.editor.groups.add(Group.objects.get(name=roles.EDITORS))
        cls.moderator = get_user_model().objects.create_user(username="malik", password="x" * 12)
        cls.moderator.groups.add(Group.objects.get(name=roles.MODERATORS))

    def test_every_language_index_is_under_relecture(self):
        indexes = RencontreIndexPage.objects.all()
        self.assertEqual({index.locale.language_code for index in indexes}, {"fr", "en"})
        for index in indexes:
            self.assertEqual(WorkflowPage.objects.get(page=index).workflow.name, roles.WORKFLOW)
        task = WorkflowPage.objects.get(page=self.index).workflow.tasks.get().specific
        self.assertEqual([group.name for group in task.groups.all()], [roles.MODERATORS])

    def test_an_editor_submits_and_a_moderator_publishes(self):
        page = RencontrePageFactory(
            parent=self.index, title="Brouillon", slug="brouillon", live=False
        )
        self.client.force_login(self.editor)
        data = rencontre_form_data(title="Atelier à relire", slug=page.slug)
        self.client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            {**data, "action-submit": "submit"},
        )
        page = RencontrePage.objects.get(pk=page.pk)
        self.assertFalse(page.live)
        task_state = page.current_workflow_task_state
        self.assertEqual(task_state.task.name, "Relecture")
        # The moderator finds it waiting on the dashboard, then approves it.
        self.client.force_login(self.moderator)
        self.assertContains(self.client.get("/admin/"), "Atelier à relire")
        url = reverse(
            "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {"comment": ""})
        page = RencontrePage.objects.get(pk=page.pk)
        self.assertTrue(page.live)
        self.assertEqual(page.title, "Atelier à relire")

    def test_an_autosave_from_a_stale_tab_never_rewrites_the_approved_revision(self):
        # Wagtail's autosave rewrites the revision its tab last saved. The editor's tab
        # still holds the revision the moderator has just approved: rewriting it made
        # the live revision hold a text nobody reviewed (and « Comparer » show it).
        page = RencontrePageFactory(parent=self.index, title="Brouillon", slug="relu", live=False)
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        self.client.force_login(self.editor)
        data = rencontre_form_data(title="Atelier à relire", slug=page.slug)
        self.client.post(edit_url, {**data, "action-submit": "submit"})
        page = RencontrePage.objects.get(pk=page.pk)
        reviewed = page.latest_revision
        task_state = page.current_workflow_task_state
        self.client.force_login(self.moderator)
        url = reverse(
            "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {"comment": ""})
        self.assertEqual(RencontrePage.objects.get(pk=page.pk).live_revision, reviewed)

        self.client.force_login(self.editor)
        data = rencontre_form_data(title="Texte que personne n’a relu", slug=page.slug)
        self.client.post(edit_url, {**data, "overwrite_revision_id": str(reviewed.pk)})

        page = RencontrePage.objects.get(pk=page.pk)
        reviewed.refresh_from_db()
        self.assertEqual(reviewed.content["title"], "Atelier à relire")
        self.assertEqual(page.live_revision, reviewed)
        self.assertEqual(page.title, "Atelier à relire")
        # The editor's text is kept, as a new draft revision.
        self.assertNotEqual(page.latest_revision, reviewed)
        self.assertEqual(page.latest_revision.content["title"], "Texte que personne n’a relu")

    def test_a_new_index_gets_the_roles(self):
        second = RencontreIndexPage(title="Autre consultation", slug="autre")
        self.home.add_child(instance=second)
        self.assertEqual(WorkflowPage.objects.get(page=second).workflow.name, roles.WORKFLOW)
        self.assertTrue(
            second.permissions_for_user(self.editor).can_add_subpage(),
        )
        self.assertTrue(second.permissions_for_user(self.moderator).can_publish_subpage())


class GroupEditorTests(TestCase):
    def test_the_plugin_and_lock_permissions_can_be_granted_in_the_admin(self):
        self.client.force_login(superuser())
        group = Group.objects.get(name=roles.ADMINISTRATORS)
        response = self.client.get(reverse("wagtailusers_groups:edit", args=[group.pk]))
        self.assertEqual(response.status_code, 200)
        for label in (
            "Importer des rencontres depuis Decidim",
            "Gérer les webhooks",
            "Exporter les rencontres en tableur",
        ):
            self.assertContains(response, label)
        form = BeautifulSoup(response.content, "html.parser")
        for codename in ("import_rencontres", "delete_accessattempt", "change_dsfrconfig"):
            permission = group.permissions.get(codename=codename)
            box = form.find("input", attrs={"name": "permissions", "value": str(permission.pk)})
            self.assertTrue(box.has_attr("checked"), codename)
