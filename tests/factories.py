"""factory_boy factories for the project's models."""

import uuid
from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import ApiKey
from accounts.models import RevokedSession
from accounts.models import User
from detector.models import AudioFile
from detector.models import Batch
from detector.models import Chunk
from detector.models import Detection
from detector.models import DetectionEvent
from detector.models import ReviewerLabel
from detector.models import ThresholdOverride
from detector.models import WebhookAttempt
from detector.models import WebhookDelivery
from detector.models import WebhookEndpoint
from detector.verdict import VerdictPolicy
from detector.verdict import decide
from detector.webhooks.models import EVENT_TYPES
from detector.webhooks.signing import new_secret

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)


class RevokedSessionFactory(DjangoModelFactory[RevokedSession]):
    class Meta:
        model = RevokedSession

    session_id = factory.LazyFunction(lambda: uuid.uuid4().hex)
    user = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


class ApiKeyFactory(DjangoModelFactory[ApiKey]):
    """A usable key; ``.key`` is its full text, which the database never holds."""

    class Meta:
        model = ApiKey

    owner = factory.SubFactory(UserFactory)
    scope = ApiKey.Scope.READ_UPLOAD
    name = factory.LazyAttribute(lambda k: f"{k.owner.username}'s {k.scope} key")

    @classmethod
    def _create(cls, model_class: type[ApiKey], *args: Any, **kwargs: Any) -> ApiKey:
        # Only the manager's create_key hashes a fresh key; the text exists once.
        api_key, key = model_class.objects.create_key(*args, **kwargs)
        api_key.key = key
        return api_key


class BatchFactory(DjangoModelFactory[Batch]):
    class Meta:
        model = Batch

    owner = factory.SubFactory(UserFactory)


class AudioFileFactory(DjangoModelFactory[AudioFile]):
    class Meta:
        model = AudioFile

    user = factory.SubFactory(UserFactory)
    original_filename = factory.Sequence(lambda n: f"recording-{n}.wav")
    file_size_bytes = 1024
    storage_type = AudioFile.StorageType.LOCAL
    storage_path = factory.Sequence(lambda n: f"uploads/test/{n}.wav")
    content_type = "audio/wav"
    sha256 = "0" * 64


class DetectionFactory(DjangoModelFactory[Detection]):
    class Meta:
        model = Detection

    audio_file = factory.SubFactory(AudioFileFactory)
    user = factory.SelfAttribute("audio_file.user")


class CompletedDetectionFactory(DetectionFactory):
    """A completed detection of model m 1 whose one speech chunk scored ``peak``."""

    class Params:
        peak = 0.1

    status = Detection.Status.COMPLETED
    model_name = "m"
    model_version = "1"
    request_id = factory.LazyFunction(uuid.uuid4)
    results = factory.LazyAttribute(
        lambda d: {
            "request_id": str(d.request_id),
            "chunk_predictions": {
                "chunk_0": {"score": d.peak, "start": 0.0, "end": 4.0, "speech": True}
            },
            "error_message": "",
        }
    )
    verdict_policy = {"likely_fake_threshold": 0.5, "fake_threshold": 0.8}
    overall_assessment = factory.LazyAttribute(
        lambda d: (
            decide(
                d.results["chunk_predictions"], VerdictPolicy(**d.verdict_policy)
            ).assessment
        )
    )


class ChunkFactory(DjangoModelFactory[Chunk]):
    """The detection's next 4-second chunk, with speech and no score yet."""

    class Meta:
        model = Chunk

    detection = factory.SubFactory(DetectionFactory)
    index = factory.LazyAttribute(lambda c: c.detection.chunks.count())
    start_seconds = factory.LazyAttribute(lambda c: 4.0 * c.index)
    end_seconds = factory.LazyAttribute(lambda c: c.start_seconds + 4.0)
    speech_ratio = 1.0
    has_speech = True


class DetectionEventFactory(DjangoModelFactory[DetectionEvent]):
    """The owner's upload, as record_event writes it."""

    class Meta:
        model = DetectionEvent

    detection = factory.SubFactory(DetectionFactory)
    request_id = factory.SelfAttribute("detection.request_id")
    action = DetectionEvent.Action.UPLOADED
    actor = factory.SelfAttribute("detection.user")
    actor_name = factory.LazyAttribute(lambda e: e.actor.get_username())


class ReviewerLabelFactory(DjangoModelFactory[ReviewerLabel]):
    class Meta:
        model = ReviewerLabel

    detection = factory.SubFactory(CompletedDetectionFactory)
    reviewer = factory.SelfAttribute("detection.user")
    label = ReviewerLabel.Label.GENUINE


class ThresholdOverrideFactory(DjangoModelFactory[ThresholdOverride]):
    """Thresholds fitted for model m 1, as calibration_report writes them."""

    class Meta:
        model = ThresholdOverride

    model_name = "m"
    model_version = "1"
    likely_fake_threshold = 0.4
    fake_threshold = 0.7
    label_count = 10
    eer = 0.1
    created_by = "olga"


class WebhookEndpointFactory(DjangoModelFactory[WebhookEndpoint]):
    """An enabled endpoint subscribed to every event."""

    class Meta:
        model = WebhookEndpoint

    owner = factory.SubFactory(UserFactory)
    url = "https://hooks.example.com/in"
    events = factory.LazyFunction(lambda: list(EVENT_TYPES))
    secret = factory.LazyFunction(new_secret)


class WebhookDeliveryFactory(DjangoModelFactory[WebhookDelivery]):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event_type = "batch.completed"
    payload = factory.LazyAttribute(lambda d: {"type": d.event_type, "data": {}})


class WebhookAttemptFactory(DjangoModelFactory[WebhookAttempt]):
    """A first attempt the receiver answered with 200."""

    class Meta:
        model = WebhookAttempt

    delivery = factory.SubFactory(WebhookDeliveryFactory)
    attempted_at = factory.LazyFunction(timezone.now)
    status_code = 200
    latency_ms = 12
