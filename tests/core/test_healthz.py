import json

import pytest
from django.test import AsyncClient

from mockroom.core import health


@pytest.mark.django_db(transaction=True)
async def test_healthz_reports_database_and_channel_layer_ok():
    response = await AsyncClient().get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "channel_layer": "ok",
    }


@pytest.mark.django_db(transaction=True)
async def test_healthz_returns_503_when_the_channel_layer_is_down(monkeypatch):
    async def broken() -> str:
        return "error: ConnectionRefusedError"

    monkeypatch.setattr(health, "check_channel_layer", broken)
    response = await AsyncClient().get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["channel_layer"].startswith("error")


@pytest.mark.django_db(transaction=True)
async def test_healthz_reports_a_database_failure(monkeypatch):
    def fail() -> bool:
        raise RuntimeError("database is gone")

    monkeypatch.setattr(health, "_database_ok", fail)
    response = await AsyncClient().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "error: RuntimeError"
