import pytest


@pytest.fixture
def api(client):
    """GET an /api/ address and return (response, parsed JSON)."""

    def get(url, **extra):
        response = client.get(url, **extra)
        assert response["Content-Type"].startswith("application/json"), (url, response["Content-Type"])
        return response, response.json()

    return get
