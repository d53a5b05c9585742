"""The API docs pages work offline: every script and style they load is ours."""

from html.parser import HTMLParser

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

DOCS_PAGES = ("/api/v1/docs/", "/api/v1/redoc/")
# <script src> and <link href> (styles, icons, preconnects) are what a page loads.
ADDRESS_ATTRIBUTES = {"script": "src", "link": "href"}


class AssetCollector(HTMLParser):
    """The addresses of the scripts, styles and icons a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attribute = ADDRESS_ATTRIBUTES.get(tag)
        address = dict(attrs).get(attribute) if attribute else None
        if address:
            self.assets.append(address)


def assets_of(html: str) -> list[str]:
    collector = AssetCollector()
    collector.feed(html)
    return collector.assets


@pytest.fixture
def static_client(settings: object) -> Client:
    """A client whose WhiteNoise serves the apps' static files without collectstatic."""
    settings.WHITENOISE_USE_FINDERS = True  # type: ignore[attr-defined]
    return Client()


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_docs_page_loads_nothing_from_other_sites(
    static_client: Client, page: str
) -> None:
    """Each docs page refers only to local scripts and styles, and each answers 200."""
    response = static_client.get(page)
    assert response.status_code == 200
    assets = assets_of(response.content.decode())
    assert any(asset.endswith(".js") for asset in assets), assets
    remote = [asset for asset in assets if asset.startswith(("http:", "https:", "//"))]
    assert remote == []
    for asset in assets:
        assert static_client.get(asset).status_code == 200, asset
