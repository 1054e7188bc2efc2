"""Links and unlinks a supply point and a house in one transaction: the house's CUPS, the unique claim that
keeps one house per CUPS, and the link history."""

from pynamodb.transactions import TransactWrite

from shared.cups import Energy
from shared.dal import unique_keys
from shared.dal.cups_links import CupsLinkRecord
from shared.dal.houses import HouseRecord, house_changed_concurrently
from shared.dal.transactions import ConditionFailedError, write_transaction
from shared.errors import UniqueValueTakenError


def supply_point_key(energy: Energy, supply_point: str) -> str:
    return f"cups#{energy.value}#{supply_point}"


def link(house: HouseRecord, energy: Energy, new_link: CupsLinkRecord, now: str) -> None:
    """Point the house at `new_link`, ending its current link of that energy if it has another one."""
    previous = house.current_link(energy)
    setattr(house, f"{energy.value}_cups", new_link.cups)
    setattr(house, f"{energy.value}_link_id", new_link.link_id)
    house.updated_at = now

    def write(transaction: TransactWrite) -> None:
        if previous:
            unique_keys.release(transaction, supply_point_key(energy, previous[0]), house.id)
        unique_keys.claim(transaction, supply_point_key(energy, new_link.supply_point), house.id)
        transaction.save(new_link, condition=CupsLinkRecord.link_id.does_not_exist())
        transaction.save(house)
        if previous:
            _end(transaction, *previous, now)

    claim_index = 1 if previous else 0  # deletes come before puts in DynamoDB's order
    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index == claim_index:
            key = supply_point_key(energy, new_link.supply_point)
            raise UniqueValueTakenError(key, owner_id=unique_keys.owner_of(key)) from None
        raise house_changed_concurrently() from None


def update_link(house: HouseRecord, energy: Energy, changed: CupsLinkRecord, now: str) -> None:
    """Same supply point, new written form or `since`."""
    setattr(house, f"{energy.value}_cups", changed.cups)
    house.updated_at = now

    def write(transaction: TransactWrite) -> None:
        transaction.save(changed, condition=CupsLinkRecord.unlinked_at.does_not_exist())
        transaction.save(house)

    try:
        write_transaction(write)
    except ConditionFailedError:
        raise house_changed_concurrently() from None


def unlink(house: HouseRecord, energy: Energy, now: str) -> bool:
    """End the house's link of that energy; False if it had none."""
    previous = house.current_link(energy)
    if previous is None:
        return False
    setattr(house, f"{energy.value}_cups", None)
    setattr(house, f"{energy.value}_link_id", None)
    house.updated_at = now

    def write(transaction: TransactWrite) -> None:
        unique_keys.release(transaction, supply_point_key(energy, previous[0]), house.id)
        transaction.save(house)
        _end(transaction, *previous, now)

    try:
        write_transaction(write)
    except ConditionFailedError:
        raise house_changed_concurrently() from None
    return True


def _end(transaction: TransactWrite, supply_point: str, link_id: str, now: str) -> None:
    transaction.update(
        CupsLinkRecord(supply_point, link_id),
        actions=[CupsLinkRecord.unlinked_at.set(now)],
        condition=CupsLinkRecord.unlinked_at.does_not_exist(),
    )
