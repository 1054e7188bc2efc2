"""Reading an installation's production when its provider cannot be reached: every month left for the next run,
the reason in last_poll.error, nothing stored."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.pv.clients.registry import monitoring_provider
from shared.pv.models import Monitoring, MonitoringProviderName, PvSettings, ReadProgress, StoredPvInstallation
from shared.pv.services import reads as service

NOW = datetime(2026, 12, 3, 10, tzinfo=UTC)
INSTALLATION = StoredPvInstallation(
    house_id="house-1",
    settings=PvSettings(
        peak_power_kwp=3.6,
        installed_on=date(2026, 10, 15),
        monitoring=Monitoring(provider=MonitoringProviderName.SOLAREDGE, site_id="3600001"),
    ),
    secret_name="local/pv-monitoring/house-1",
    created_at=NOW,
    updated_at=NOW,
)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    written: dict[str, Any] = {"stored": []}
    monkeypatch.setattr(service.installations, "get_installation", lambda house_id: INSTALLATION)
    monkeypatch.setattr(service, "read_secret", lambda name: "THE-KEY")
    monkeypatch.setattr(service, "save_generation", lambda *args: written["stored"].append(args) or 0)
    monkeypatch.setattr(
        service.installations,
        "record_poll",
        lambda house_id, poll, progress: written.update(poll=poll, progress=progress),
    )
    return written


def test_an_unreachable_provider_leaves_every_month_for_the_next_run(recorded: dict[str, Any]) -> None:
    closed_port = monitoring_provider(MonitoringProviderName.SOLAREDGE, base_url="http://127.0.0.1:9", timeout=2)

    last_poll = service.read_production("house-1", lambda name: closed_port, NOW)

    assert last_poll is not None and last_poll.hours_stored == 0
    assert last_poll.error is not None and "2026-10" in last_poll.error and "THE-KEY" not in last_poll.error
    assert recorded["progress"] == ReadProgress(backfilled=True, left_over=frozenset({"2026-10", "2026-11", "2026-12"}))
    assert recorded["stored"] == []


def test_an_installation_without_monitoring_is_not_read(
    recorded: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    unmonitored = StoredPvInstallation("house-2", PvSettings(peak_power_kwp=2), None, NOW, NOW)
    monkeypatch.setattr(service.installations, "get_installation", lambda house_id: unmonitored)

    assert service.read_production("house-2", lambda name: pytest.fail("no provider is asked"), NOW) is None
    assert "poll" not in recorded
