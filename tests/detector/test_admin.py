"""The operators' admin: lists, search, read-only pipeline fields and actions."""

import pytest
from django.contrib import admin
from django.test import Client
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from detector.models import Detection
from detector.reviews.thresholds import latest_override
from tests.factories import AudioFileFactory
from tests.factories import ChunkFactory
from tests.factories import DetectionFactory
from tests.factories import ThresholdOverrideFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_and_searches_detections(
    operator_client: Client, alice: User
) -> None:
    """Detections list with filters, and search finds by file name and username."""
    DetectionFactory(
        audio_file=AudioFileFactory(user=alice, original_filename="board-meeting.wav"),
        model_trained=False,
        model_name="demo",
    )
    page = operator_client.get("/admin/detector/detection/?q=board-meeting")
    assert page.status_code == 200
    assert b"board-meeting.wav" in page.content
    assert b"UNTRAINED DEMO" in page.content
    assert (
        b"board-meeting.wav"
        in operator_client.get("/admin/detector/detection/?q=alice").content
    )
    assert (
        b"board-meeting.wav"
        not in operator_client.get("/admin/detector/detection/?q=nobody").content
    )
    assert (
        operator_client.get(
            "/admin/detector/detection/?status__exact=pending"
        ).status_code
        == 200
    )


def test_admin_shows_and_filters_inconclusive_reasons(operator_client: Client) -> None:
    """Operators see why a detection is inconclusive and can filter by the reason."""
    silent = DetectionFactory(
        status=Detection.Status.COMPLETED,
        overall_assessment="inconclusive",
        inconclusive_reason="no_speech",
        audio_file=AudioFileFactory(original_filename="empty-room.wav"),
    )
    DetectionFactory(
        status=Detection.Status.COMPLETED,
        overall_assessment="inconclusive",
        inconclusive_reason="not_speech_like",
        audio_file=AudioFileFactory(original_filename="guitar.wav"),
    )
    page = operator_client.get(
        "/admin/detector/detection/?inconclusive_reason__exact=no_speech"
    )
    assert b"empty-room.wav" in page.content
    assert b"guitar.wav" not in page.content
    assert b"No speech (silence)" in page.content
    change = operator_client.get(f"/admin/detector/detection/{silent.pk}/change/")
    assert b"silent or nearly silent" in change.content


def test_admin_detection_fields_are_read_only(operator_client: Client) -> None:
    """The change page shows pipeline fields without inputs for them."""
    detection = DetectionFactory()
    page = operator_client.get(f"/admin/detector/detection/{detection.pk}/change/")
    assert page.status_code == 200
    assert b'name="status"' not in page.content
    assert b'name="results"' not in page.content


def test_admin_actions_mark_failed_and_requeue(operator_client: Client) -> None:
    """The actions call the pipeline's own services."""
    detection = DetectionFactory(status=Detection.Status.PROCESSING)
    operator_client.post(
        "/admin/detector/detection/",
        {"action": "mark_failed", "_selected_action": [detection.pk]},
    )
    detection.refresh_from_db()
    assert detection.status == Detection.Status.FAILED
    assert detection.error_message == "Marked failed by an operator."
    operator_client.post(
        "/admin/detector/detection/",
        {"action": "requeue", "_selected_action": [detection.pk]},
    )
    detection.refresh_from_db()
    assert detection.status == Detection.Status.PENDING


def test_admin_lists_audio_files_and_users(
    operator_client: Client, alice: User
) -> None:
    """Audio files and users have their own searchable lists."""
    AudioFileFactory(user=alice, original_filename="podcast.flac")
    assert (
        b"podcast.flac"
        in operator_client.get("/admin/detector/audiofile/?q=podcast").content
    )
    assert b"alice" in operator_client.get("/admin/accounts/user/?q=alice").content


def test_admin_pages_never_fail(operator_client: Client, alice: User) -> None:
    """Every registered model's list, add and change pages answer, and so do empty saves."""
    detection = DetectionFactory(audio_file=AudioFileFactory(user=alice))
    ChunkFactory(detection=detection)
    RefreshToken.for_user(alice).blacklist()
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert operator_client.get(base).status_code == 200, base
        add = operator_client.get(f"{base}add/").status_code
        assert add in {200, 403}, base
        if add == 200:
            assert operator_client.post(f"{base}add/", {}).status_code == 200, base
        for row in model._default_manager.all()[:1]:
            change = f"{base}{row.pk}/change/"
            assert operator_client.get(change).status_code == 200, change
            assert operator_client.post(change, {}).status_code < 500, change


def test_admin_cannot_add_pipeline_rows(operator_client: Client) -> None:
    """Detections and recordings come only from uploads: no add page, no add button."""
    for model in ("detection", "audiofile"):
        assert operator_client.get(f"/admin/detector/{model}/add/").status_code == 403
        page = operator_client.get(f"/admin/detector/{model}/")
        assert f"/admin/detector/{model}/add/".encode() not in page.content


def test_admin_retires_threshold_overrides(operator_client: Client, olga: User) -> None:
    """The retire action stamps who and when; later results stop using the fit."""
    override = ThresholdOverrideFactory()
    page = operator_client.post(
        "/admin/detector/thresholdoverride/",
        {"action": "retire", "_selected_action": [override.pk]},
        follow=True,
    )
    assert b"Retired 1 threshold overrides" in page.content
    override.refresh_from_db()
    assert override.retired_by == olga.username
    assert override.retired_at is not None
    assert latest_override("m", "1") is None
