"""Create the first administrator account, once, without a fixed password."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Crée un compte administrateur s’il n’en existe aucun. Identifiant : "
        "DJANGO_SUPERUSER_USERNAME (par défaut « admin ») ; mot de passe : "
        "DJANGO_SUPERUSER_PASSWORD, sinon un mot de passe aléatoire affiché une seule fois."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("Un compte administrateur existe déjà : rien à faire.")
            return

        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or "admin"
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(18)

        lookup = {User.USERNAME_FIELD: username}
        with transaction.atomic():
            if User.objects.filter(**lookup).exists():
                raise CommandError(
                    f"Le compte « {username} » existe mais n’est pas administrateur : "
                    "donnez-lui ce rôle dans l’admin ou choisissez un autre identifiant "
                    "avec DJANGO_SUPERUSER_USERNAME."
                )
            User.objects.create_superuser(**lookup, email=email, password=password)

        self.stdout.write(self.style.SUCCESS(f"Compte administrateur « {username} » créé."))
        if generated:
            # Shown once: it is stored only as a hash.
            self.stdout.write(
                f"Mot de passe (affiché une seule fois, notez-le) : {password}\n"
                "Pour le choisir vous-même, définissez DJANGO_SUPERUSER_PASSWORD."
            )
