"""File types judged by their content (magic numbers), never by their name, and images
re-encoded without their metadata (a photo's GPS position stays with its owner).

Only the types a form may accept are known here; anything else is "unknown" and refused.
"""

import io
import warnings
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError


@dataclass(frozen=True)
class FileType:
    code: str
    mime: str
    extensions: tuple[str, ...]


ODT_MIME = "application/vnd.oasis.opendocument.text"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TYPES = {
    "pdf": FileType("pdf", "application/pdf", ("pdf",)),
    "jpeg": FileType("jpeg", "image/jpeg", ("jpg", "jpeg")),
    "png": FileType("png", "image/png", ("png",)),
    "webp": FileType("webp", "image/webp", ("webp",)),
    "odt": FileType("odt", ODT_MIME, ("odt",)),
    "docx": FileType("docx", DOCX_MIME, ("docx",)),
}
# Pillow's format names; MPO is the multi-picture JPEG many phone cameras write.
IMAGE_FORMATS = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "WEBP": "webp"}
SAVE_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
# Larger images are refused rather than decoded (a "decompression bomb" of a few kB).
MAX_IMAGE_PIXELS = 50_000_000


def type_for_extension(extension: str) -> FileType | None:
    extension = extension.lower().lstrip(".")
    return next((kind for kind in TYPES.values() if extension in kind.extensions), None)


def _open_image(stream):
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(stream)
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise ValueError("image too large")
    return image


def _zip_type(stream) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(100).strip() == ODT_MIME.encode():
                        return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return None
    return None


def detect(stream) -> FileType | None:
    """The type of the file in `stream` (a binary file object) from its content."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return TYPES["pdf"]
        if head.startswith(b"PK\x03\x04"):
            code = _zip_type(stream)
            return TYPES[code] if code else None
        try:
            with _open_image(stream) as image:
                code = IMAGE_FORMATS.get(image.format)
        except (
            UnidentifiedImageError,
            OSError,
            ValueError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ):
            return None
        return TYPES[code] if code else None
    finally:
        stream.seek(0)


def reencode_image(stream, kind: FileType) -> bytes:
    """The image decoded and written again in its own format: EXIF (GPS position, camera,
    date), XMP and comments are left behind; the orientation is applied to the pixels. Only
    the colour profile is kept. Raises ValueError for an image that cannot be decoded."""
    stream.seek(0)
    try:
        with _open_image(stream) as image:
            image.load()
            icc = image.info.get("icc_profile")
            fmt = image.format
            clean = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise ValueError(str(error)) from error
    finally:
        stream.seek(0)
    if IMAGE_FORMATS.get(fmt) != kind.code:
        raise ValueError("not the expected image format")
    fmt = SAVE_FORMATS[kind.code]  # an MPO keeps its first picture, as a plain JPEG
    options = {}
    if icc:
        options["icc_profile"] = icc
    if fmt == "JPEG":
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        options.update(quality=90, optimize=True)
    elif fmt == "WEBP":
        options.update(quality=90)
    output = io.BytesIO()
    clean.save(output, fmt, **options)
    return output.getvalue()
