import pytest

from shared.supply_points.cups import Energy, InvalidCups, normalise_cups, supply_point_key

ELECTRICITY_22 = "ES0021000012345678LB0F"  # control letters worked out in the domain brief
ELECTRICITY_20 = "ES0027700012345001HA"
GAS = "ES0230100000012345HQ"


@pytest.mark.parametrize("cups", [ELECTRICITY_22, ELECTRICITY_20, "ES0022000098765432XS1P"])
def test_valid_electricity_cups_come_back_unchanged(cups: str) -> None:
    assert normalise_cups(cups, Energy.ELECTRICITY) == cups


def test_spaces_dashes_and_lower_case_are_normalised_away() -> None:
    assert normalise_cups(" es 0021-0000-1234-5678 lb 0f ", Energy.ELECTRICITY) == ELECTRICITY_22


def test_a_gas_cups_has_exactly_20_characters() -> None:
    assert normalise_cups(GAS.lower(), Energy.GAS) == GAS
    with pytest.raises(InvalidCups, match="gas CUPS has 20 characters, this one has 22"):
        normalise_cups(GAS + "0F", Energy.GAS)


def test_energy_accepts_its_api_names() -> None:
    assert Energy("electricity") is Energy.ELECTRICITY
    assert Energy("gas") is Energy.GAS


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ES00210000123456", "20 or 22 characters, this one has 16"),
        ("ES0021000012345678LB0", "20 or 22 characters, this one has 21"),
        ("FR0021000012345678LB0F", "starts with ES, this one starts with 'FR'"),
        ("ES00210000123A5678LB0F", "characters 3 to 18 must be digits"),
        ("ES0021000012345678LB0Q", "border-point suffix must be a digit and one of F, P, R, C, X, Y, Z"),
        ("ES0021000012345678LBXF", "border-point suffix"),
        ("ES0021000012345678LC0F", "control letters 'LC' do not match"),
        ("", "this one has 0"),
    ],
)
def test_an_invalid_electricity_cups_says_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(InvalidCups, match=message):
        normalise_cups(value, Energy.ELECTRICITY)


def test_invalid_cups_is_a_value_error() -> None:
    assert issubclass(InvalidCups, ValueError)


def test_a_mistyped_digit_is_caught_by_the_control_letters() -> None:
    with pytest.raises(InvalidCups, match="control letters 'LB' do not match"):
        normalise_cups("ES0021000012345679LB0F", Energy.ELECTRICITY)


def test_the_supply_point_key_ignores_the_border_point_suffix() -> None:
    assert supply_point_key(ELECTRICITY_22) == "ES0021000012345678LB"
    assert supply_point_key(ELECTRICITY_22) == supply_point_key("ES0021000012345678LB")
    assert supply_point_key("es0021000012345678lb1p") == "ES0021000012345678LB"
