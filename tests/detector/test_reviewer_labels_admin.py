"""Staff label detections in the admin and list the labels that disagree with the model."""

import pytest
from django.test import Client

from accounts.models import User
from detector.models import Detection
from tests.factories import CompletedDetectionFactory
from tests.factories import DetectionFactory
from tests.factories import ReviewerLabelFactory

pytestmark = pytest.mark.django_db


def change_form(client: Client, detection: Detection) -> dict[str, object]:
    """The change form's management data, as the browser would post it."""
    page = client.get(f"/admin/detector/detection/{detection.pk}/change/")
    assert page.status_code == 200
    data: dict[str, object] = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {
                f"{formset.prefix}-{name}": value
                for name, value in management.initial.items()
            }
        )
    return data


def test_staff_label_is_recorded_with_the_staff_user(
    operator_client: Client, olga: User, alice: User
) -> None:
    """A label added in the detection's inline has olga as reviewer and joins the history."""
    detection = CompletedDetectionFactory(user=alice, audio_file__user=alice, peak=0.9)
    ReviewerLabelFactory(detection=detection, label="synthetic", comment="alice's")
    data = change_form(operator_client, detection)
    data.update(
        {
            "labels-TOTAL_FORMS": 2,
            "labels-0-id": detection.labels.get().pk,
            "labels-0-detection": detection.pk,
            "labels-1-detection": detection.pk,
            "labels-1-label": "genuine",
            "labels-1-comment": "known speaker",
        }
    )
    response = operator_client.post(
        f"/admin/detector/detection/{detection.pk}/change/", data
    )
    assert response.status_code == 302, response.content
    assert [
        (label.label, label.reviewer.username) for label in detection.labels.all()
    ] == [("genuine", "olga"), ("synthetic", "alice")]
    detection.refresh_from_db()
    assert detection.overall_assessment == "fake"


def test_unfinished_detection_offers_no_label_row(operator_client: Client) -> None:
    """Only a completed detection can be labelled, in the admin too."""
    detection = DetectionFactory(status=Detection.Status.PROCESSING)
    page = operator_client.get(f"/admin/detector/detection/{detection.pk}/change/")
    assert b'name="labels-__prefix__-label"' not in page.content
    completed = CompletedDetectionFactory()
    page = operator_client.get(f"/admin/detector/detection/{completed.pk}/change/")
    assert b'name="labels-__prefix__-label"' in page.content


def test_admin_filters_detections_and_labels_that_disagree(
    operator_client: Client,
) -> None:
    """'disagrees with model' narrows both the detections and the labels lists."""
    disputed = CompletedDetectionFactory(
        peak=0.95, audio_file__original_filename="disputed.wav"
    )
    ReviewerLabelFactory(detection=disputed, label="genuine")
    confirmed = CompletedDetectionFactory(
        peak=0.95, audio_file__original_filename="confirmed.wav"
    )
    ReviewerLabelFactory(detection=confirmed, label="synthetic")

    detections = operator_client.get("/admin/detector/detection/?disagrees=yes")
    assert b"disputed.wav" in detections.content
    assert b"confirmed.wav" not in detections.content
    agreeing = operator_client.get("/admin/detector/detection/?disagrees=no")
    assert b"confirmed.wav" in agreeing.content
    assert b"disputed.wav" not in agreeing.content

    labels = operator_client.get("/admin/detector/reviewerlabel/?disagrees=yes")
    assert labels.status_code == 200
    assert str(disputed.request_id).encode() in labels.content
    assert str(confirmed.request_id).encode() not in labels.content
