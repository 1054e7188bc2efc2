"""A house's PV installation: operators and the house's owner keep it (another user gets 404). `PUT` never calls
the provider: a key it refuses, or a provider that cannot be reached, shows in `last_poll.error` after the next
poll. The monitoring API key goes to Secrets Manager; records keep only the secret's name."""

from dataclasses import replace
from datetime import datetime

from shared.core.auth import Caller
from shared.core.clients.secrets import Secrets, delete_secret
from shared.core.errors import InvalidInputError, NotFoundError
from shared.houses.models import StoredHouse
from shared.houses.service import visible_house
from shared.pv.cau import InvalidSelfConsumptionError, checked_self_consumption
from shared.pv.dal import installations
from shared.pv.models import (
    PvInstallation,
    PvInstallationPut,
    PvSettings,
    StoredPvInstallation,
)
from shared.supply_points.cups import Energy


def get_installation(caller: Caller, house_id: str) -> PvInstallation:
    house = visible_house(caller, house_id)
    return _existing(house).shown()


def put_installation(
    caller: Caller, house_id: str, body: PvInstallationPut, secrets: Secrets, now: datetime
) -> tuple[PvInstallation, bool]:
    """Create or replace the installation; True when it was created. The key is stored first, so that an
    installation never names a secret that does not exist."""
    house = visible_house(caller, house_id)
    settings = _self_consumption_checked(house, body.settings())
    existing = installations.get_installation(house.id)
    secret_name = secrets.store(house.id, body.monitoring.api_key.get_secret_value()) if body.monitoring else None
    installation = StoredPvInstallation(
        house_id=house.id,
        settings=settings,
        secret_name=secret_name,
        created_at=existing.created_at if existing else now,
        updated_at=now,
        last_poll=existing.last_poll if existing else None,
    )
    created = installations.save_installation(replace(house, pv_installation=settings, updated_at=now), installation)
    if existing and existing.secret_name and secret_name is None:
        delete_secret(existing.secret_name)  # no monitoring any more
    return installation.shown(), created


def delete_installation(caller: Caller, house_id: str, now: datetime) -> None:
    house = visible_house(caller, house_id)
    existing = _existing(house)
    if not installations.delete_installation(replace(house, pv_installation=None, updated_at=now)):
        raise NotFoundError(f"house {house_id} has no PV installation")
    if existing.secret_name:
        delete_secret(existing.secret_name)


def _self_consumption_checked(house: StoredHouse, settings: PvSettings) -> PvSettings:
    """The CAU and the table 113 code checked (the CAU names the house's electricity CUPS unless the code is a
    collective modality), in their stored forms; a 422 naming each field otherwise."""
    link = house.link(Energy.ELECTRICITY)
    try:
        checked = checked_self_consumption(
            cau=settings.cau,
            self_consumption_code=settings.self_consumption_code,
            house_electricity_cups=link.cups if link else None,
        )
    except InvalidSelfConsumptionError as invalid:
        fields = ", ".join(problem.field for problem in invalid.problems)
        raise InvalidInputError(f"invalid self-consumption: {fields}", problems=list(invalid.problems)) from None
    code = checked.code.code if checked.code else None
    return settings.model_copy(update={"cau": checked.cau, "self_consumption_code": code})


def _existing(house: StoredHouse) -> StoredPvInstallation:
    installation = installations.get_installation(house.id)
    if installation is None:
        raise NotFoundError(f"house {house.id} has no PV installation")
    return installation
