"""Standard Webhooks signatures: secrets, and the three headers of a delivery.

https://www.standardwebhooks.com/ : ``webhook-signature`` is ``v1,`` and the
base64 HMAC-SHA256 of ``id.timestamp.body``; several signatures are separated
by spaces, which is how a rotated secret keeps working for a while.
"""

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the spec's prefix, not a secret
SECRET_BYTES = 32


def new_secret() -> str:
    """A random signing secret in the spec's ``whsec_<base64>`` form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(
    secrets_in_use: list[str], message_id: str, at: datetime, body: str
) -> str:
    """The ``webhook-signature`` value: one ``v1,`` signature per secret, newest first."""
    return " ".join(
        Webhook(secret).sign(message_id, at, body) for secret in secrets_in_use
    )


def headers(
    secrets_in_use: list[str], message_id: str, at: datetime, body: str
) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt sent at ``at``."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature(secrets_in_use, message_id, at, body),
    }
