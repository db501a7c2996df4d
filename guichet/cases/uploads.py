"""A file sent by the public, made ready to be stored: its type detected from its content,
an image re-encoded without its metadata, and the whole scanned by clamd when one is
configured (GUICHET_CLAMD). The domain actions store nothing else."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from guichet.catalog.formschema import validate_upload
from guichet.lib import clamd
from guichet.lib.filetypes import detect, reencode_image

logger = logging.getLogger(__name__)

# The types a download may be served with: those detected on upload (and text/html for the
# documents that workflows produce). Anything else (a type an uploader declared, once) is
# served as bytes.
UPLOAD_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass
class PreparedUpload:
    file: File
    name: str
    content_type: str
    size: int


def prepare_upload(upload) -> PreparedUpload:
    """`upload` checked and cleaned for storage; ValidationError when it is refused."""
    validate_upload(upload)
    kind = detect(upload)  # validate_upload made sure it is the type its name says
    content = upload
    if kind.mime.startswith("image/"):
        try:
            data = reencode_image(upload, kind)
        except ValueError as error:
            logger.info("Image %r refused: %s", upload.name, error)
            raise ValidationError(_("Cette image est illisible ou endommagée.")) from error
        content = ContentFile(data, name=upload.name)
    if settings.GUICHET_CLAMD:
        try:
            found = clamd.scan(
                settings.GUICHET_CLAMD, content, timeout=settings.GUICHET_CLAMD_TIMEOUT
            )
        except clamd.ClamdError as error:
            # Refused rather than stored unchecked: the citizen may try again shortly.
            logger.error("Antivirus scan failed: %s", error)
            raise ValidationError(
                _("L'antivirus ne répond pas : envoyez ce fichier de nouveau plus tard.")
            ) from error
        if found:
            logger.warning("Upload %r refused by the antivirus: %s", upload.name, found)
            raise ValidationError(_("Ce fichier contient un virus (%(name)s).") % {"name": found})
    content.seek(0)
    return PreparedUpload(
        file=content, name=upload.name[:200], content_type=kind.mime, size=content.size
    )


def prepare_uploads(items, *, key=None) -> list:
    """[(key, upload)] -> [(key, PreparedUpload)], every refusal keyed by its field
    (or by `key`, the form's field for messages)."""
    prepared, errors = [], {}
    for item_key, upload in items:
        try:
            prepared.append((item_key, prepare_upload(upload)))
        except ValidationError as error:
            errors.setdefault(key or item_key or "attachment", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return prepared


def served_type(attachment) -> str:
    if attachment.content_type in UPLOAD_TYPES:
        return attachment.content_type
    if attachment.generated_from and attachment.content_type == "text/html":
        return "text/html"  # ours: rendered by cases.documents from an agent's template
    return "application/octet-stream"
