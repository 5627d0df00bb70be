"""A file made by a service (app.services.reports.render.FileOut) as an HTTP response, the same
for web pages and REST: an attachment, never sniffed, streamed when the body is a stream."""

from __future__ import annotations

from flask import Response, stream_with_context

from app.services.reports.render import FileOut


def send(out: FileOut) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{out.filename}"',
               "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
    if isinstance(out.body, bytes):
        return Response(out.body, content_type=out.media_type, headers=headers)
    # The generator reads the database while the response is sent: it needs the request's
    # application context (and session) until its last row.
    return Response(stream_with_context(out.body), content_type=out.media_type,
                    headers=headers)
