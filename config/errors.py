"""Every API error as JSON ``{"detail": "<a sentence>"}``, including Django's own.

DRF answers the errors raised in its views; Django's request-limit errors
(``SuspiciousOperation``) escape DRF and Django's handlers would answer them,
and unknown URLs and crashes, with HTML. The admin and the dashboard keep
Django's HTML pages.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import TooManyFieldsSent
from django.core.exceptions import TooManyFilesSent
from django.db import InterfaceError
from django.db import OperationalError
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from detector.exceptions import SeveralFilesError

API_PREFIX = "/api/"
logger = logging.getLogger(__name__)


class RequestTooLargeError(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The form fields of this request are larger than allowed."
    default_code = "request_too_large"


class DatabaseUnavailableError(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = (
        "The database cannot be reached right now; nothing was changed. "
        "Please try again in a minute."
    )
    default_code = "database_unavailable"


def _as_api_error(error: SuspiciousOperation) -> APIException:
    if isinstance(error, TooManyFilesSent):
        return SeveralFilesError()
    if isinstance(error, TooManyFieldsSent):
        return ParseError("This request has more form fields than allowed.")
    if isinstance(error, RequestDataTooBig):
        return RequestTooLargeError()
    return ParseError("The request could not be read; check its headers and body.")


def api_exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with Django's request-limit errors turned into API errors."""
    if isinstance(error, SuspiciousOperation):
        error = _as_api_error(error)
    elif isinstance(error, OperationalError | InterfaceError):
        # An outage, not a bug: no traceback, and the client is told to retry.
        logger.warning("database unavailable during %s: %s", context["view"], error)
        response = drf_exception_handler(DatabaseUnavailableError(), context)
        if response is not None:
            response["Retry-After"] = "30"
        return response
    return drf_exception_handler(error, context)


def _json_for_api(
    status_code: int, message: str, html_view: Callable[..., HttpResponse]
) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": message}, status=status_code)
        return html_view(request, *args, **kwargs)

    return view


bad_request = _json_for_api(
    400,
    "The request could not be understood; check its address, headers and body.",
    defaults.bad_request,
)
permission_denied = _json_for_api(
    403, "You do not have permission to do this.", defaults.permission_denied
)
page_not_found = _json_for_api(
    404, "There is nothing at this address.", defaults.page_not_found
)
server_error = _json_for_api(
    500,
    "An internal error stopped this request; it has been logged. Please try again later.",
    defaults.server_error,
)
