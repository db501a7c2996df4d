"""An attachment served to the portal or the back office: always a download, with the type
detected on upload, and never sniffed by the browser into something else."""

from django.http import FileResponse, Http404

from .uploads import served_type


def attachment_response(attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    # A download even for images and PDF: a file sent by the public is never rendered
    # inside our origin.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=served_type(attachment),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
