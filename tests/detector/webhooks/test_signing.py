"""Signatures that the standardwebhooks library verifies, one per secret in use."""

import pytest
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks import WebhookVerificationError

from detector.webhooks import signing


def test_new_secrets_are_random_whsec_values() -> None:
    """Each secret is whsec_ + base64 of 32 random bytes, usable by the library."""
    first, second = signing.new_secret(), signing.new_secret()
    assert first.startswith("whsec_") and first != second
    Webhook(first)  # decodes


def test_headers_verify_with_the_standard_library() -> None:
    """webhook-id, webhook-timestamp and a v1 signature over id.timestamp.body."""
    secret = signing.new_secret()
    body = '{"type":"detection.completed","timestamp":"t","data":{}}'
    headers = signing.headers([secret], "msg_1", timezone.now(), body)
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers)["type"] == "detection.completed"
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("completed", "failed"), headers)


def test_two_secrets_give_two_signatures_each_verifying() -> None:
    """During a rotation both the new and the old secret verify the same message."""
    new, old = signing.new_secret(), signing.new_secret()
    body = "{}"
    headers = signing.headers([new, old], "msg_2", timezone.now(), body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(new).verify(body, headers) == {}
    assert Webhook(old).verify(body, headers) == {}
