"""Calling the API with ``Authorization: Api-Key <key>``: owner, scope, refusals, limits."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import ApiKey
from accounts.models import User
from detector.models import Detection
from tests.audio_fixtures import wav_bytes
from tests.factories import ApiKeyFactory
from tests.factories import AudioFileFactory
from tests.factories import DetectionFactory
from tests.support import key_client

pytestmark = pytest.mark.django_db

HISTORY = "/api/v1/audio/history"
UPLOAD = "/api/v1/audio/upload"


def status_path(detection: Detection) -> str:
    return f"/api/v1/audio/status/{detection.request_id}"


def upload(client: APIClient, *, with_file: bool = True) -> Response:
    wav = SimpleUploadedFile("voice.wav", wav_bytes(0.5), content_type="audio/wav")
    return client.post(UPLOAD, {"file": wav} if with_file else {}, format="multipart")


def test_key_reads_only_its_owners_detections(
    alice_key_client: APIClient, alice: User, bob: User
) -> None:
    """History and status answer as alice; bob's detection is a 404."""
    mine = DetectionFactory(audio_file=AudioFileFactory(user=alice))
    theirs = DetectionFactory(audio_file=AudioFileFactory(user=bob))
    history = alice_key_client.get(HISTORY)
    assert history.status_code == 200
    assert [row["request_id"] for row in history.json()["results"]] == [
        str(mine.request_id)
    ]
    assert alice_key_client.get(status_path(mine)).status_code == 200
    assert alice_key_client.get(status_path(theirs)).status_code == 404
    assert alice_key_client.get("/api/v1/users/me").json()["username"] == "alice"


def test_read_upload_key_uploads_as_its_owner(
    alice_key_client: APIClient, alice: User
) -> None:
    """A read+upload key submits a recording that belongs to alice."""
    response = upload(alice_key_client)
    assert response.status_code == 202
    assert Detection.objects.get().user == alice


def test_read_key_cannot_upload(alice: User) -> None:
    """A read key gets 403 with a sentence on upload, and nothing is stored."""
    client = key_client(ApiKeyFactory(owner=alice, scope=ApiKey.Scope.READ).key)
    assert client.get(HISTORY).status_code == 200
    response = upload(client)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This API key is read-only; create a read+upload key to submit "
        "recordings."
    }
    assert not Detection.objects.exists()


def test_key_cannot_write_outside_upload(alice_key_client: APIClient) -> None:
    """Even a read+upload key cannot end sessions: writes are opt-in per endpoint."""
    response = alice_key_client.post("/api/v1/users/logout", {"refresh": "x"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("API keys cannot do this")


def test_revoked_key_is_refused_at_once(
    alice_client: APIClient, alice_key_client: APIClient, alice_key: ApiKey
) -> None:
    """The request right after revocation gets 401 with the reason."""
    assert alice_key_client.get(HISTORY).status_code == 200
    assert (
        alice_client.delete(f"/api/v1/users/api-keys/{alice_key.prefix}").status_code
        == 204
    )
    response = alice_key_client.get(HISTORY)
    assert response.status_code == 401
    assert response.json() == {"detail": "This API key has been revoked."}


def test_expired_key_is_refused(alice_key_client: APIClient, alice_key: ApiKey) -> None:
    """A key past its expiry date gets 401."""
    ApiKey.objects.filter(pk=alice_key.pk).update(
        expiry_date=timezone.now() - timedelta(seconds=1)
    )
    response = alice_key_client.get(HISTORY)
    assert response.status_code == 401
    assert response.json() == {"detail": "This API key has expired."}


@pytest.mark.parametrize(
    "header",
    [
        "Api-Key",
        "Api-Key ",
        "Api-Key two words",
        "Api-Key no-dot-in-it",
        "Api-Key unknown0.secretsecretsecretsecretsecretsec",
        "api-key " + "x" * 500 + ".y",
        "Api-Key abc\x00.def",
    ],
)
def test_malformed_or_unknown_key_is_401_json(alice: User, header: str) -> None:
    """Anything but a valid key is 401 JSON with a WWW-Authenticate challenge."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(HISTORY)
    assert response.status_code == 401
    assert response.json()["detail"].endswith(".")
    assert response["WWW-Authenticate"]


def test_wrong_secret_with_a_real_prefix_is_refused(
    alice_key: ApiKey,
) -> None:
    """Knowing the public prefix is not enough; the reason is not disclosed."""
    response = key_client(f"{alice_key.prefix}.{'0' * 32}").get(HISTORY)
    assert response.status_code == 401
    assert response.json() == {"detail": "This API key is not valid."}


def test_last_used_at_is_written_at_most_once_a_minute(
    alice_key_client: APIClient, alice_key: ApiKey
) -> None:
    """The first use stamps the key; uses within the minute issue no UPDATE."""
    alice_key_client.get(HISTORY)
    alice_key.refresh_from_db()
    first_use = alice_key.last_used_at
    assert first_use is not None
    with CaptureQueriesContext(connection) as queries:
        alice_key_client.get(HISTORY)
    assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)
    alice_key.refresh_from_db()
    assert alice_key.last_used_at == first_use

    ApiKey.objects.filter(pk=alice_key.pk).update(
        last_used_at=timezone.now() - timedelta(minutes=2)
    )
    alice_key_client.get(HISTORY)
    alice_key.refresh_from_db()
    assert alice_key.last_used_at > timezone.now() - timedelta(seconds=30)


def test_uploads_by_key_share_the_owners_rate_limit(
    alice_client: APIClient,
    alice_key_client: APIClient,
    bob: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A key counts against its owner's upload rate, not a rate of its own."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "upload", "2/min")
    # Posts without a file are refused (400) but still counted.
    assert upload(alice_client, with_file=False).status_code == 400
    assert upload(alice_key_client, with_file=False).status_code == 400
    second_key = ApiKeyFactory(owner=User.objects.get(username="alice"))
    assert upload(key_client(second_key.key), with_file=False).status_code == 429
    bobs_key = ApiKeyFactory(owner=bob)
    assert upload(key_client(bobs_key.key), with_file=False).status_code == 400
