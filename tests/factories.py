"""factory_boy factories for the project's models."""

import uuid

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from detector.models import AudioFile
from detector.models import Detection
from detector.models import ReviewerLabel
from detector.verdict import VerdictPolicy
from detector.verdict import decide

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)


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


class ReviewerLabelFactory(DjangoModelFactory[ReviewerLabel]):
    class Meta:
        model = ReviewerLabel

    detection = factory.SubFactory(CompletedDetectionFactory)
    reviewer = factory.SelfAttribute("detection.user")
    label = ReviewerLabel.Label.GENUINE
