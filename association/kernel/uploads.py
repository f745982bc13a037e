"""Bounded reading of uploaded files that are parsed (workbooks, .docx policies, PDFs, images drawn
into PDFs).

A few hundred kilobytes of zip can declare gigabytes of XML: openpyxl and python-docx would inflate
and parse all of it before any row or paragraph limit is reached. ``check_zip`` reads only the
archive's directory — every member's declared size, and how tightly it is compressed — and refuses
before anything is decompressed. The declared sizes bind: Python's ``zipfile`` (which openpyxl and
python-docx use) stops a member at its declared size and fails its CRC check if the data goes on.

``uploaded_file_check`` is the one rule for every uploaded document, attachment or signed scan.
"""

import io
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
# Images are decoded when a PDF embeds them (a signed declaration's scan or on-screen signature). An A4
# page scanned at 600 dpi is 35 million pixels; a few hundred kilobytes of PNG can declare billions.
MAX_IMAGE_PIXELS = 36_000_000


@dataclass(frozen=True)
class ZipLimits:
    """What an archive may hold once opened: in all, in its largest member (the one a parser holds
    at once), how many members, and how tightly a member larger than ``ratio_from`` may be
    compressed (small members of a real file may compress very well)."""

    max_total: int
    max_member: int | None = None
    max_members: int = 2000
    max_ratio: int = 100
    ratio_from: int = MB
    # The members a reader parses whole (XML); others (images in a .docx) count only in the total.
    parsed: tuple[str, ...] = (".xml", ".rels")


class UploadTooLarge(ValidationError):
    """The file is refused before it is read in full: what it would open into exceeds a limit."""


def check_zip(content: bytes, limits: ZipLimits) -> None:
    """Refuse an archive whose members, as declared in its directory, exceed ``limits``.

    Raises ``UploadTooLarge`` (Arabic message for the form) or ``zipfile.BadZipFile`` for a file that
    is not a zip archive at all."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise UploadTooLarge(
                _("This file holds more than %(limit)s parts; it is not a document the portal can read.")
                % {"limit": limits.max_members},
                code="members",
            )
        total = 0
        for member in members:
            total += member.file_size
            largest = limits.max_member if member.filename.lower().endswith(limits.parsed) else None
            for size, limit in ((member.file_size, largest), (total, limits.max_total)):
                if limit is not None and size > limit:
                    raise UploadTooLarge(
                        _(
                            "This file opens into more than %(limit)s MB; split it into smaller files or remove "
                            "unused content."
                        )
                        % {"limit": limit // MB},
                        code="uncompressed",
                    )
            if member.file_size > limits.ratio_from and member.file_size > limits.max_ratio * max(
                member.compress_size, 1
            ):
                raise UploadTooLarge(
                    _("This file is compressed far more than a real document would be; it is refused."),
                    code="ratio",
                )


def check_image_pixels(data: bytes, *, max_pixels: int = MAX_IMAGE_PIXELS) -> None:
    """Refuse an image whose declared size (read from its header; nothing is decoded) exceeds
    ``max_pixels``. A header that cannot be read is left to the caller's own checks (decoding such a
    file fails at once, it costs nothing)."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        width, height = max_pixels + 1, 1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return
    if width * height > max_pixels:
        raise UploadTooLarge(
            _("This image is too large to be printed: the limit is %(limit)s million pixels.")
            % {"limit": max_pixels // 1_000_000},
            code="pixels",
        )


# --- Uploaded documents, attachments and signed scans ---------------------------------------------

# What a document may be, by its bytes: content type → the extension the stored file gets.
ALLOWED_DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _detect_content_type(uploaded_file) -> str | None:
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def uploaded_file_check(uploaded_file, *, field: str = "file") -> str:
    """The rule for every uploaded document, attachment or signed scan: not empty, within the size limit,
    and a PDF, JPEG or PNG by its bytes (not its name). Returns the detected content type; errors name
    ``field``."""
    if uploaded_file.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            {
                field: _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {"size": round(uploaded_file.size / 1048576, 1), "limit": settings.DOCUMENT_MAX_BYTES // 1048576}
            }
        )
    if uploaded_file.size == 0:
        raise ValidationError({field: _("The file is empty.")})
    content_type = _detect_content_type(uploaded_file)
    if content_type not in ALLOWED_DOCUMENT_TYPES:
        raise ValidationError(
            {field: _("Only PDF, JPEG or PNG files are accepted; this file's content is not one of them.")}
        )
    if content_type.startswith("image/"):  # a signed scan is drawn into the declaration's PDF
        uploaded_file.seek(0)
        try:
            check_image_pixels(uploaded_file.read())
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from None
        finally:
            uploaded_file.seek(0)
    return content_type
