from django.core.management.base import BaseCommand, CommandError

from ...backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder (manage.py backup) into the database and the media "
        "storage of the settings. An empty database only, unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup folder")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="drop and recreate what the database already holds, overwrite media files",
        )

    def handle(self, *args, source, replace, **options):
        try:
            count = restore(source, replace=replace, log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {source} ({count} media files)."))
