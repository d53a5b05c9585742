"""Reviewer labels: setting and changing them, the history, and disagreement filters."""

import pytest
from rest_framework.test import APIClient

from accounts.api_keys import create_api_key
from accounts.models import ApiKey
from accounts.models import User
from detector.custody import DetectionEvent
from detector.models import Detection
from tests.factories import CompletedDetectionFactory
from tests.factories import DetectionFactory
from tests.factories import ReviewerLabelFactory

pytestmark = pytest.mark.django_db


def label_url(detection: Detection) -> str:
    return f"/api/v1/audio/status/{detection.request_id}/label"


def history_of_labels(client: APIClient, detection: Detection) -> list[dict]:
    response = client.get(f"/api/v1/audio/status/{detection.request_id}/labels")
    assert response.status_code == 200
    return response.json()


def test_label_is_set_changed_and_kept_in_history(
    alice_client: APIClient, alice: User
) -> None:
    """A second label supersedes the first; both stay, newest first; the verdict stays."""
    detection = CompletedDetectionFactory(user=alice, audio_file__user=alice, peak=0.9)
    first = alice_client.put(
        label_url(detection), {"label": "genuine", "comment": "my own voice"}
    )
    assert first.status_code == 200
    assert first.json()["review"]["label"] == "genuine"
    assert first.json()["review"]["reviewer"] == "alice"
    assert first.json()["disagrees_with_model"] is True  # genuine vs fake
    second = alice_client.put(label_url(detection), {"label": "unsure"})
    assert second.json() == {
        "review": {
            "label": "unsure",
            "comment": "",
            "reviewer": "alice",
            "created_at": second.json()["review"]["created_at"],
        },
        "disagrees_with_model": False,
    }
    labels = history_of_labels(alice_client, detection)
    assert [(row["label"], row["comment"]) for row in labels] == [
        ("unsure", ""),
        ("genuine", "my own voice"),
    ]
    status = alice_client.get(f"/api/v1/audio/status/{detection.request_id}").json()
    assert status["review"]["label"] == "unsure"
    assert status["overall_assessment"] == "fake"
    assert status["chunk_predictions"]["chunk_0"]["score"] == 0.9


def test_label_is_recorded_in_the_custody_log(
    alice_client: APIClient, alice: User
) -> None:
    """Setting a label appends a 'labelled' custody event with the label and comment."""
    detection = CompletedDetectionFactory(user=alice, audio_file__user=alice)
    alice_client.put(label_url(detection), {"label": "synthetic", "comment": "clone"})
    event = DetectionEvent.objects.get(detection=detection, action="labelled")
    assert (event.actor, event.details) == (
        alice,
        {"label": "synthetic", "comment": "clone"},
    )


def test_another_users_detection_cannot_be_labelled_or_read(
    bob_client: APIClient, alice: User
) -> None:
    """Bob gets the same 404 as for a missing detection, and no label is stored."""
    detection = CompletedDetectionFactory(user=alice, audio_file__user=alice)
    response = bob_client.put(label_url(detection), {"label": "synthetic"})
    assert response.status_code == 404
    assert response.json() == {"detail": "You have no detection with this id."}
    labels = f"/api/v1/audio/status/{detection.request_id}/labels"
    assert bob_client.get(labels).status_code == 404
    assert not detection.labels.exists()


def test_unfinished_detection_cannot_be_labelled(
    alice_client: APIClient, alice: User
) -> None:
    """A detection without a verdict answers 409 with a sentence."""
    detection = DetectionFactory(
        audio_file__user=alice, status=Detection.Status.PROCESSING
    )
    response = alice_client.put(label_url(detection), {"label": "genuine"})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only a completed detection can be labelled; this one is processing."
    }


def test_unknown_label_is_a_field_error(alice_client: APIClient, alice: User) -> None:
    """A label outside genuine/synthetic/unsure is refused with a field error."""
    detection = CompletedDetectionFactory(user=alice, audio_file__user=alice)
    response = alice_client.put(label_url(detection), {"label": "maybe"})
    assert response.status_code == 400
    assert "label" in response.json()


@pytest.mark.parametrize(
    ("peak", "label", "disagrees"),
    [
        (0.9, "genuine", True),  # fake
        (0.6, "genuine", True),  # likely fake
        (0.1, "synthetic", True),  # real
        (0.9, "synthetic", False),
        (0.1, "genuine", False),
        (0.9, "unsure", False),
    ],
)
def test_disagreement_follows_the_current_label_and_verdict(
    alice_client: APIClient, alice: User, peak: float, label: str, disagrees: bool
) -> None:
    """genuine against a fake verdict, or synthetic against real, disagrees; unsure never."""
    detection = CompletedDetectionFactory(user=alice, audio_file__user=alice, peak=peak)
    ReviewerLabelFactory(detection=detection, label=label)
    body = alice_client.get(f"/api/v1/audio/status/{detection.request_id}").json()
    assert body["disagrees_with_model"] is disagrees


def test_history_filters_by_current_label_and_disagreement(
    alice_client: APIClient, alice: User
) -> None:
    """label= and disagrees= read the newest label of each detection."""
    relabelled = CompletedDetectionFactory(user=alice, audio_file__user=alice, peak=0.9)
    ReviewerLabelFactory(detection=relabelled, label="synthetic")
    ReviewerLabelFactory(detection=relabelled, label="genuine")  # now disagrees
    agreed = CompletedDetectionFactory(user=alice, audio_file__user=alice, peak=0.1)
    ReviewerLabelFactory(detection=agreed, label="genuine")
    unlabelled = CompletedDetectionFactory(user=alice, audio_file__user=alice)

    def ids(query: str) -> set[str]:
        response = alice_client.get(f"/api/v1/audio/history?{query}")
        assert response.status_code == 200
        return {row["request_id"] for row in response.json()["results"]}

    assert ids("label=genuine") == {str(relabelled.request_id), str(agreed.request_id)}
    assert ids("label=synthetic") == set()
    assert ids("label=none") == {str(unlabelled.request_id)}
    assert ids("disagrees=true") == {str(relabelled.request_id)}
    assert ids("disagrees=false") == {
        str(agreed.request_id),
        str(unlabelled.request_id),
    }
    rows = alice_client.get("/api/v1/audio/history?disagrees=true").json()["results"]
    assert rows[0]["review"]["label"] == "genuine"
    assert rows[0]["disagrees_with_model"] is True


def test_api_keys_cannot_label(alice: User) -> None:
    """A label is a person's judgement: API keys may read labels but not set them."""
    detection = CompletedDetectionFactory(user=alice, audio_file__user=alice)
    _, key = create_api_key(alice, name="ci", scope=ApiKey.Scope.READ_UPLOAD)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.put(label_url(detection), {"label": "genuine"}).status_code == 403
    assert client.get(f"{label_url(detection)}s").status_code == 200
