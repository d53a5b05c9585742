"""Root URLs: the API under /api/v1/, its schema and docs, the admin, metrics."""

from django.contrib import admin
from django.urls import URLPattern
from django.urls import URLResolver
from django.urls import include
from django.urls import path
from django.urls import re_path
from drf_spectacular.views import SpectacularAPIView
from drf_spectacular.views import SpectacularRedocView
from drf_spectacular.views import SpectacularSwaggerView

from config import errors
from config import metrics_view
from config import spa

api_v1: list[URLPattern | URLResolver] = [
    path("users/", include("accounts.urls")),
    path("", include("detector.urls")),
    path("", include("detector.webhooks.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    # The library's ReDoc page loads web fonts from Google; this one loads nothing remote.
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"),
        name="redoc",
    ),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("metrics", metrics_view.metrics, name="prometheus-django-metrics"),
    # Client-side routes of the dashboard; API, socket, admin and metrics stay out.
    re_path(r"^(?!api/|ws/|admin/|metrics|static/).*$", spa.index, name="dashboard"),
]

# Unknown API addresses and crashes answer JSON; the admin keeps its HTML pages.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
