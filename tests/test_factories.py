"""Every model of the project's apps has a factory that saves a valid row."""

import inspect

import pytest
from django.apps import apps
from django.db import models
from factory.django import DjangoModelFactory

from tests import factories

APPS = ("accounts", "detector")


def project_models() -> list[type[models.Model]]:
    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy
    ]


def factory_for(model: type[models.Model]) -> type[DjangoModelFactory]:
    """The plainest factory of ``model``: the one no other factory of it derives from."""
    candidates = [
        factory
        for _, factory in inspect.getmembers(factories, inspect.isclass)
        if issubclass(factory, DjangoModelFactory)
        and factory._meta.model is model
        and factory.__module__ == factories.__name__
    ]
    assert candidates, f"tests/factories.py has no factory for {model.__name__}"
    return min(candidates, key=lambda factory: len(factory.__mro__))


@pytest.mark.django_db
@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_factory_saves_a_valid_instance(model: type[models.Model]) -> None:
    """The model's factory creates a row that passes the model's own validation."""
    instance = factory_for(model)()
    assert isinstance(instance, model)
    assert instance.pk is not None
    instance.full_clean()
    assert model.objects.filter(pk=instance.pk).exists()


@pytest.mark.django_db
def test_api_key_factory_gives_a_usable_key() -> None:
    """The key's full text is kept on the instance and passes the library's check."""
    api_key = factories.ApiKeyFactory()
    assert api_key.is_valid(api_key.key)
    assert api_key.key.startswith(f"{api_key.prefix}.")


@pytest.mark.django_db
def test_chunk_factory_numbers_a_detections_chunks_in_order() -> None:
    """Chunks made for one detection take the next index and the next 4 seconds."""
    detection = factories.DetectionFactory()
    chunks = factories.ChunkFactory.create_batch(3, detection=detection)
    assert [(c.index, c.start_seconds, c.end_seconds) for c in chunks] == [
        (0, 0.0, 4.0),
        (1, 4.0, 8.0),
        (2, 8.0, 12.0),
    ]
