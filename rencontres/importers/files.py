"""The file a person hands the Decidim import, as Decidim serves it.

* A meetings export, CSV or JSON (:func:`.decidim.parse_export`).
* Decidim's « Données ouvertes » download: a ZIP holding one CSV per exported component
  and participatory space, named ``<host>-open-data-<export>.csv``
  (``…-open-data-meetings.csv``, ``…-open-data-proposals.csv``,
  ``…-open-data-meeting_comments.csv``…) and, since 0.28, a ``README.md`` and a
  ``LICENSE.md``. The meetings file is found by its name; the others are ignored
  and never decompressed. The ZIP of an admin export (``meetings-<date>.csv`` inside)
  is read the same way.

Every way in (the command line, an upload in the admin, a download from a Decidim
address) ends in :func:`read_bytes`, which takes the bytes and the name the person
knows them by; :func:`read_path` reads a file from disk after checking its size.

Limits (``conf``): the size of the file (``IMPORT_MAX_FILE_SIZE``); inside a ZIP, the
size of the meetings file once decompressed (``IMPORT_MAX_UNCOMPRESSED_SIZE``) and its
compression ratio (``IMPORT_MAX_COMPRESSION_RATIO``), both checked while decompressing,
whatever the archive declares. Beyond any of them the file is refused with a French
message (:class:`.decidim.RefusedFile`) before anything is written.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from ..conf import conf
from .decidim import (
    MEETINGS_EXPORT,
    RefusedFile,
    export_of_name,
    parse_export,
    wrong_export_message,
)

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive
# The ratio is checked past this many decompressed bytes: small files of empty columns
# (";;;;;") compress far better than any real export, and are harmless.
RATIO_FLOOR = 1024 * 1024
CHUNK = 256 * 1024
# A meetings export's name outside the open-data ZIP: "meetings.csv", the admin export's
# "meetings-2024-03-01-52811.json"…
_MEETINGS_NAME_RE = re.compile(r"(?:^|[-_. ])meetings(?:[-_ ][\d-]+)?\.(?:csv|json)$", re.I)


@dataclass
class ExportFile:
    """A Decidim meetings export, read: its rows, and where they came from."""

    name: str  # the file as the person knows it: "decidim-open-data.zip", "export.csv"
    member: str  # the meetings file read inside a ZIP, "" for a plain file
    size: int  # bytes received
    rows: list  # SourceRow

    @property
    def label(self):
        """« decidim-open-data.zip › host-open-data-meetings.csv », for messages and reports."""
        return f"{self.name} › {self.member}" if self.member else self.name


def size_text(size):
    """« 12,5 Mo », « 900 ko »: a size as staff read it."""
    if size >= 1024 * 1024:
        number = f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")
        return _("%(n)s Mo") % {"n": number}
    return _("%(n)s ko") % {"n": max(1, -(-size // 1024))}


def too_large_message(name, size=None):
    """The refusal of a file over ``IMPORT_MAX_FILE_SIZE`` (``size``: its size if known)."""
    limit = size_text(conf.IMPORT_MAX_FILE_SIZE)
    if size is None:
        return _(
            "« %(name)s » dépasse la taille maximale de %(limit)s. Importez le fichier "
            "des rencontres seul plutôt que toute l’archive, ou demandez à l’administrateur "
            "du site de relever la limite. Rien n’a été importé."
        ) % {"name": name, "limit": limit}
    return _(
        "« %(name)s » pèse %(size)s, au-delà de la taille maximale de %(limit)s. "
        "Importez le fichier des rencontres seul plutôt que toute l’archive, ou demandez à "
        "l’administrateur du site de relever la limite. Rien n’a été importé."
    ) % {"name": name, "size": size_text(size), "limit": limit}


def check_size(name, size):
    """Refuse a file over the size limit (for a download, before reading it all)."""
    if size > conf.IMPORT_MAX_FILE_SIZE:
        raise RefusedFile(too_large_message(name, size))


def read_path(path):
    """The export in the file at ``path`` (command line): its size is checked before
    it is read."""
    path = Path(path)
    try:
        check_size(path.name, path.stat().st_size)
        raw = path.read_bytes()
    except OSError as error:
        raise RefusedFile(
            _("Impossible de lire « %(name)s » : %(error)s. Rien n’a été importé.")
            % {"name": path.name, "error": error.strerror or error}
        ) from error
    return read_bytes(raw, path.name)


def read_bytes(raw, name):
    """The export in ``raw``, the bytes of a file the person calls ``name`` (an upload,
    a download, a file on disk): a meetings CSV or JSON, or a ZIP holding one.
    Raises :class:`RefusedFile` with the reason, in French."""
    check_size(name, len(raw))
    if raw[:4] in ZIP_SIGNATURES:
        member, text = _meetings_in_zip(raw, name)
        return ExportFile(name, member, len(raw), parse_export(text, f"{name} › {member}"))
    return ExportFile(name, "", len(raw), parse_export(raw, name))


# -- ZIP ------------------------------------------------------------------------------


def _zip_message(name, detail):
    return _(
        "« %(name)s » n’est pas une archive ZIP lisible (%(detail)s). Téléchargez de "
        "nouveau les données ouvertes depuis Decidim, ou importez le fichier des "
        "rencontres seul. Rien n’a été importé."
    ) % {"name": name, "detail": detail}


def _bomb_message(name, member, detail):
    return _(
        "L’archive « %(name)s » est refusée : « %(member)s » %(detail)s, au-delà de ce "
        "qu’accepte l’import (archive piégée ou trop volumineuse). Importez le fichier des "
        "rencontres seul. Rien n’a été importé."
    ) % {"name": name, "member": member, "detail": detail}


def _is_meetings_file(member):
    base = member.rsplit("/", 1)[-1]
    export = export_of_name(base)
    if export is not None:
        return export == MEETINGS_EXPORT
    return bool(_MEETINGS_NAME_RE.search(base))


def _meetings_in_zip(raw, name):
    """(name of the meetings file, its bytes) in the ZIP ``raw``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise RefusedFile(_zip_message(name, _("archive tronquée ou abîmée"))) from error
    with archive:
        files = [info for info in archive.infolist() if not info.is_dir()]
        if any(info.filename == "[Content_Types].xml" for info in files):
            raise RefusedFile(
                _(
                    "« %(name)s » est un classeur de tableur (Excel, LibreOffice), pas un "
                    "export Decidim. Importez le fichier CSV ou JSON des rencontres tel que "
                    "Decidim le fournit, ou l’archive ZIP de ses données ouvertes. Rien n’a "
                    "été importé."
                )
                % {"name": name}
            )
        found = [info for info in files if _is_meetings_file(info.filename)]
        if not found:
            others = [info.filename for info in files if export_of_name(info.filename)]
            if len(files) == 1 and others:
                raise RefusedFile(
                    wrong_export_message(f"{name} › {others[0]}", export_of_name(others[0]))
                )
            listed = ", ".join(sorted(info.filename for info in files)[:8]) or _("aucun")
            raise RefusedFile(
                _(
                    "« %(name)s » ne contient pas les rencontres de Decidim (aucun fichier "
                    "« …-open-data-meetings.csv » ; fichiers trouvés : %(files)s). Sur "
                    "Decidim, les rencontres sont dans les données ouvertes quand l’espace a "
                    "une composante Rencontres publiée. Rien n’a été importé."
                )
                % {"name": name, "files": listed}
            )
        if len(found) > 1:
            raise RefusedFile(
                _(
                    "« %(name)s » contient plusieurs fichiers de rencontres (%(files)s) : "
                    "importez-les un par un. Rien n’a été importé."
                )
                % {"name": name, "files": ", ".join(info.filename for info in found)}
            )
        return found[0].filename, _decompress(archive, found[0], name)


def _decompress(archive, info, name):
    """The bytes of ``info``, decompressed under the size and ratio limits — counted on
    what comes out, not on what the archive declares."""
    limit = conf.IMPORT_MAX_UNCOMPRESSED_SIZE
    ratio = conf.IMPORT_MAX_COMPRESSION_RATIO
    member = info.filename
    too_large = _("décompressé dépasserait %(limit)s") % {"limit": size_text(limit)}
    if info.file_size > limit:
        raise RefusedFile(_bomb_message(name, member, too_large))
    compressed = max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR and info.file_size > ratio * compressed:
        raise RefusedFile(_bomb_message(name, member, _ratio_detail(ratio)))
    chunks, total = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise RefusedFile(_bomb_message(name, member, too_large))
                if total > RATIO_FLOOR and total > ratio * compressed:
                    raise RefusedFile(_bomb_message(name, member, _ratio_detail(ratio)))
                chunks.append(chunk)
    except RuntimeError as error:  # encrypted
        raise RefusedFile(_zip_message(name, _("archive protégée par un mot de passe"))) from error
    except NotImplementedError as error:
        raise RefusedFile(_zip_message(name, _("méthode de compression inconnue"))) from error
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise RefusedFile(_zip_message(name, _("archive tronquée ou abîmée"))) from error
    return b"".join(chunks)


def _ratio_detail(ratio):
    return _("se décompresse plus de %(ratio)s fois") % {"ratio": ratio}
