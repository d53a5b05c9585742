"""The React dashboard's index page for every client-side route."""

from django.conf import settings
from django.http import HttpRequest
from django.http import HttpResponse

NOT_BUILT = (
    "<!doctype html><title>Dashboard not built</title>"
    "<p>The dashboard has not been built yet: run <code>make frontend</code>. "
    'The API is at <a href="/api/v1/docs/">/api/v1/docs/</a>.</p>'
)


def index(request: HttpRequest) -> HttpResponse:
    page = settings.FRONTEND_DIST / "index.html"
    if not page.exists():
        return HttpResponse(NOT_BUILT, status=503)
    return HttpResponse(page.read_text(encoding="utf-8"))
