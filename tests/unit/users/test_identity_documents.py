import pytest

from shared.users.identity_documents import normalise_nif


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("12345678Z", "12345678Z"),
        ("12.345.678-Z", "12345678Z"),
        ("12 345 678 z", "12345678Z"),
        ("1234567L", "01234567L"),  # a DNI written without its leading zero
        ("X1234567L", "X1234567L"),
        ("A58818501", "A58818501"),
        ("B-00000000", "B00000000"),
        ("P0800000B", "P0800000B"),
        ("Q2826000H", "Q2826000H"),
        ("G28583235", "G28583235"),  # an association: either form
        ("G2858323E", "G2858323E"),
    ],
)
def test_valid_documents_are_stored_compact(written: str, stored: str) -> None:
    assert normalise_nif(written) == stored


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("12345678A", "not a valid Spanish NIF"),
        ("A5881850A", "ends in a digit"),  # a company's control character is a digit
        ("P08000002", "ends in a letter"),  # a public body's is a letter
        ("Q28260008", "ends in a letter"),
        ("123456L", "not a valid Spanish NIF"),  # missing more than a leading zero
    ],
)
def test_invalid_documents_are_refused_with_the_reason(written: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalise_nif(written)
