"""Backups of the site: the PostgreSQL database (custom-format dump) and the media.

A backup is a folder::

    database.dump    pg_dump --format=custom (restored by pg_restore), no owner, no ACLs
    media/…          every file of the media storage (local disk or S3), same names
    manifest.json    when, from which database and storage, what it holds

``manage.py backup`` writes one, ``manage.py restore`` puts one back into the database
and the media storage the settings name (``DATABASE_URL``, ``AWS_STORAGE_BUCKET_NAME``
or ``MEDIA_ROOT``): on a new server, or over the current data.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

from django.core.files import File
from django.core.files.storage import storages
from django.db import connections
from django.utils import timezone

DUMP = "database.dump"
MEDIA = "media"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def postgres_program(name):
    """``pg_dump`` or ``pg_restore`` of the newest PostgreSQL installed (Debian keeps
    each version under /usr/lib/postgresql/N/bin), else the one on PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    program = str(versions[-1]) if versions else shutil.which(name)
    if not program:
        raise BackupError(
            f"{name} is missing: install PostgreSQL's client (scripts/system-deps postgresql)."
        )
    return program


def database_uri(alias="default"):
    """A libpq URI for the database ``alias``, and the environment carrying its password."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise BackupError(
            f"Backups need PostgreSQL; this database is {connection.vendor} "
            "(for the demo's SQLite, copy db.sqlite3)."
        )
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    uri = f"postgresql://{user + '@' if user else ''}{host}{port}/{quote(db['NAME'], safe='')}"
    env = dict(os.environ)
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return uri, env


def media_files(storage, folder=""):
    """Every file name in ``storage`` under ``folder``, recursively."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a media folder never written to
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for name in sorted(folders):
        yield from media_files(storage, f"{folder}{name}/")


def backup(output, *, alias="default", log=print):
    """Write a backup of the database ``alias`` and the media storage into ``output``."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty: choose a new folder.")
    output.mkdir(parents=True, exist_ok=True)
    uri, env = database_uri(alias)
    log(f"database → {output / DUMP}")
    subprocess.run(  # noqa: S603 (PostgreSQL's program, our arguments)
        [postgres_program("pg_dump"), "--format=custom", "--no-owner", "--no-acl",
         f"--file={output / DUMP}", f"--dbname={uri}"],
        env=env,
        check=True,
    )  # fmt: skip

    storage = storages["default"]
    count = size = 0
    for name in media_files(storage):
        target = output / MEDIA / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        count += 1
        size += target.stat().st_size
    log(f"media → {output / MEDIA}: {count} files, {size} bytes")

    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": connections[alias].settings_dict["NAME"],
        "media_storage": f"{type(storage).__module__}.{type(storage).__qualname__}",
        "media_files": count,
        "media_bytes": size,
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def database_is_empty(alias="default"):
    return not connections[alias].introspection.table_names()


def restore(source, *, alias="default", replace=False, log=print):
    """Restore the backup in ``source`` into the database ``alias`` and the media storage.

    Refuses a database that already has tables unless ``replace``: then every object
    of the dump is dropped and created anew, and media files of the same names are
    overwritten."""
    source = Path(source)
    if not (source / DUMP).is_file():
        raise BackupError(f"{source} holds no {DUMP}: is it a backup folder?")
    if not replace and not database_is_empty(alias):
        raise BackupError(
            "The database already has tables: restore into a new database, "
            "or pass --replace to overwrite it."
        )
    connections[alias].close()
    uri, env = database_uri(alias)
    log(f"database ← {source / DUMP}")
    subprocess.run(  # noqa: S603 (PostgreSQL's program, our arguments)
        [postgres_program("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error",
         *(["--clean", "--if-exists"] if replace else []),
         f"--dbname={uri}", str(source / DUMP)],
        env=env,
        check=True,
    )  # fmt: skip

    storage = storages["default"]
    media = source / MEDIA
    count = 0
    for path in sorted(media.rglob("*")) if media.is_dir() else []:
        if not path.is_file():
            continue
        name = path.relative_to(media).as_posix()
        if storage.exists(name):
            storage.delete(name)
        with path.open("rb") as content:
            saved = storage.save(name, File(content, name=name))
        if saved != name:
            raise BackupError(f"the storage saved {name} as {saved}")
        count += 1
    log(f"media ← {media}: {count} files")
    return count
