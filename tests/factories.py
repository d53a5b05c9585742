"""factory_boy factories for the project's models."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from detector.models import AudioFile
from detector.models import Detection

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
