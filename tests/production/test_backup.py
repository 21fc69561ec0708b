"""`make backup` and `make restore`: a dump of PostgreSQL and a copy of the media,
restored into a new database and a new storage, give back the same site."""

import io
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from psycopg import sql

from tests.factories import DocumentFactory, ImageFactory, RencontrePageFactory, build_site

from .servers import ROOT, production_environment

#: What must come back: pages, revisions, history (log entries), media, and the id
#: sequences (a page created after the restore must not take an old id).
QUERIES = {
    "pages": "SELECT id, title, url_path, live, live_revision_id FROM wagtailcore_page",
    "revisions": "SELECT id, object_id, content::text FROM wagtailcore_revision",
    "history": "SELECT id, action, page_id, revision_id, timestamp FROM wagtailcore_pagelogentry",
    "documents": "SELECT id, title, file FROM wagtaildocs_document",
    "images": "SELECT id, title, file FROM wagtailimages_image",
    "renditions": "SELECT id, image_id, file FROM wagtailimages_rendition",
    "page ids": "SELECT last_value FROM wagtailcore_page_id_seq",
}


def server(database):
    return {
        "host": database["HOST"] or "127.0.0.1",
        "port": database["PORT"] or 5432,
        "user": database["USER"] or None,
        "password": database["PASSWORD"] or None,
    }


def read(database, name):
    with psycopg.connect(dbname=name, **server(database)) as connection:
        return {
            what: connection.execute(f"{query} ORDER BY 1").fetchall()  # noqa: S608 (fixed)
            for what, query in QUERIES.items()
        }


@pytest.fixture
def new_database(settings):
    """An empty database on the test server, dropped after the test."""
    database = settings.DATABASES["default"]
    name = f"restored_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server(database)) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield {**database, "NAME": name}
    with psycopg.connect(dbname="postgres", autocommit=True, **server(database)) as connection:
        connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


class Media:
    """One media storage: on disk, or a bucket of the test's S3 server."""

    def __init__(self, kind, folder, s3_server):
        self.kind, self.s3 = kind, s3_server
        if kind == "disk":
            self.folder = folder
            self.environment = {"MEDIA_ROOT": folder}
            self.storage = {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": folder},
            }
        else:
            self.bucket = s3_server.create_bucket(f"rencontres-{uuid.uuid4().hex[:12]}")
            self.environment = s3_server.environment(self.bucket)
            self.storage = {
                "BACKEND": "rencontres_site.storage.MediaStorage",
                "OPTIONS": s3_server.storage_options(self.bucket),
            }

    def files(self):
        """{name: content} of every file."""
        if self.kind == "disk":
            return {
                path.relative_to(self.folder).as_posix(): path.read_bytes()
                for path in self.folder.rglob("*")
                if path.is_file()
            }
        client = self.s3.client()
        listing = client.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return {
            item["Key"]: client.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
            for item in listing
        }


def manage(*args, database, media, tmp_path):
    """``manage.py ARGS`` as an operator runs it: production settings, another process."""
    environment = production_environment(
        database, "redis://127.0.0.1:1/0", tmp_path / "static", **media.environment
    )
    return subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("source", "target"), [("s3", "disk"), ("disk", "s3")])
def test_a_backup_restores_the_same_site_into_a_new_database_and_storage(
    settings, s3_server, tmp_path, new_database, source, target
):
    source_media = Media(source, tmp_path / "media", s3_server)
    target_media = Media(target, tmp_path / "restored-media", s3_server)
    settings.STORAGES = {**settings.STORAGES, "default": source_media.storage}
    _home, index = build_site()
    rencontre = RencontrePageFactory(parent=index, title="Atelier territorial Vallée du Gier")
    for title in ("Atelier de la Vallée du Gier", "Atelier territorial (reporté)"):
        rencontre.title = title
        rencontre.save_revision().publish()
    image = ImageFactory(title="Photo de l’atelier")
    image.get_rendition("fill-80x60")
    DocumentFactory(title="Programme", file=ContentFile(b"%PDF-1.4 programme", name="prog.pdf"))
    database = settings.DATABASES["default"]
    before = read(database, database["NAME"])
    assert len(before["history"]) >= 3
    assert len(source_media.files()) == 3  # the image, its rendition, the document

    backup = manage(
        "backup", "--output", str(tmp_path / "backup"),
        database=database, media=source_media, tmp_path=tmp_path,
    )  # fmt: skip
    assert backup.returncode == 0, backup.stderr
    assert "3 media files" in backup.stdout
    restore = manage(
        "restore", str(tmp_path / "backup"),
        database=new_database, media=target_media, tmp_path=tmp_path,
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr

    assert read(new_database, new_database["NAME"]) == before
    assert target_media.files() == source_media.files()


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_tables(tmp_path):
    (tmp_path / "database.dump").write_bytes(b"PGDMP")

    with pytest.raises(CommandError, match="The database already has tables"):
        call_command("restore", str(tmp_path), stdout=io.StringIO())
