from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump, custom format) and every media file "
        "(local disk or S3) into a new folder (default: backups/<date and time>)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="the backup folder to create")

    def handle(self, *args, output=None, **options):
        output = output or f"backups/{timezone.now():%Y%m%dT%H%M%SZ}"
        try:
            manifest = backup(output, log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {output} ({manifest['media_files']} media files)."
            )
        )
