"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.websocket_auth import BearerAuthMiddleware  # noqa: E402
from config.body_limit import MULTIPART_OVERHEAD_BYTES  # noqa: E402
from config.body_limit import BodyLimit  # noqa: E402
from config.body_limit import BodySizeLimitMiddleware  # noqa: E402
from detector.exceptions import batch_too_large_message  # noqa: E402
from detector.exceptions import too_large_message  # noqa: E402
from detector.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodySizeLimitMiddleware(
            django_asgi_app,  # type: ignore[arg-type]
            max_bytes=settings.DETECTOR_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES,
            message=too_large_message(),
            path_limits={
                reverse("detector:batch-upload"): BodyLimit(
                    settings.DETECTOR_MAX_BATCH_BYTES + MULTIPART_OVERHEAD_BYTES,
                    batch_too_large_message(),
                )
            },
        ),
        "websocket": AllowedHostsOriginValidator(
            BearerAuthMiddleware(URLRouter(websocket_urlpatterns))
        ),
    }
)
