import pytest

from shared.houses.addresses import address_key, normalise_address

SAME = [
    ("C/ Mayor, 5", "calle mayor 5"),
    ("C/Mayor,5", "Calle Mayor 5"),
    ("CALLE   MAYOR nº 5", "calle mayor, 5"),
    ("Calle Mayor, n.º 5", "Calle Mayor 5"),
    ("Calle Mayor Nº5", "Calle Mayor 5"),
    ("Calle Mayor num. 5", "Calle Mayor 5"),
    ("Calle Mayor número 5", "calle mayor 5"),
    ("Calle Mayor 5, 2ºB", "Calle Mayor 5, 2º B"),
    ("Calle Mayor 5, 2ºB", "Calle Mayor 5 2 B"),
    ("Calle Mayor 5, 2º izda", "Calle Mayor 5, 2º izquierda"),
    ("Calle Mayor 5, 3º dcha", "Calle Mayor 5, 3º derecha"),
    ("Calle Mayor 5, 1ª", "calle mayor 5 1"),
    ("Calle Mayor 12A", "Calle Mayor 12 A"),
    ("Avda. de la Constitución, 12", "avenida constitucion 12"),
    ("Av Constitucion 12", "Avenida de la Constitución 12"),
    ("AV CONSTITUCION 12", "Avenida Constitución 12"),
    ("Pza. España 1", "plaza de españa 1"),
    ("PZ España 1", "Plaza España 1"),
    ("Pº de Gracia 20", "Paseo de Gracia, 20"),
    ("PS Gracia 20", "Paseo de Gracia 20"),
    ("Ctra. de Valencia km 7", "carretera valencia km 7"),
    ("CR Valencia km 7", "Carretera de Valencia km 7"),
    ("CL Alcalá 5", "Calle Alcalá 5"),
    ("CM Ermita 3", "Camino de la Ermita 3"),
    ("UR Los Pinos 4", "Urbanización Pinos 4"),
    ("RD Sur 9", "Ronda del Sur 9"),
    ("Calle de Alcalá 5", "Calle Alcalá 5"),
    ("Calle del Carmen 3", "Calle Carmen 3"),
    ("Carrer d'Aragó 200", "Calle Aragó 200"),
    ("Carrer de Balmes 10", "Calle Balmes 10"),
    ("Avinguda Diagonal 400", "Avenida Diagonal 400"),
    ("Plaça de Catalunya 1", "Plaza Catalunya 1"),
    ("Passeig de Gràcia 20", "Paseo Gracia 20"),
    ("Rúa do Franco 3", "Calle Franco 3"),
    ("Rúa da Raíña 7", "Calle Raiña 7"),
    ("Praza do Obradoiro 1", "Plaza Obradoiro 1"),
    ("Ercilla kalea 24", "Calle Ercilla 24"),
    ("Kalea Ercilla 24", "C/ Ercilla, 24"),
    ("Gran Vía etorbidea 30", "Avenida Gran Vía 30"),
    ("Zabalburu enparantza 2", "Plaza Zabalburu 2"),
    ("Travessera de Gràcia 50", "Travesía de Gracia 50"),
    ("Glorieta de Bilbao 1", "GL Bilbao 1"),
]
DIFFERENT = [
    ("Calle Mayor 5", "Calle Mayor 7"),
    ("Calle Mayor 5", "Plaza Mayor 5"),
    ("Calle Mayor 5, 1º A", "Calle Mayor 5, 1º B"),
    ("Calle Mayor 5, 2ºB", "Calle Mayor 5, 3ºA"),
    ("Calle Mayor 5, 2º izda", "Calle Mayor 5, 2º dcha"),
    ("Calle Mayor 12A", "Calle Mayor 12B"),
    ("Calle Dos de Mayo 5", "Calle Mayo 5"),
    ("Ercilla kalea 24", "Ercilla kalea 26"),
    ("Carrer de Balmes 10", "Avinguda de Balmes 10"),
]


@pytest.mark.parametrize(("written", "same_as"), SAME)
def test_spellings_of_one_address_are_equal(written: str, same_as: str) -> None:
    assert normalise_address(written) == normalise_address(same_as)
    assert normalise_address(same_as) == normalise_address(written)


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_addresses_stay_different(one: str, other: str) -> None:
    assert normalise_address(one) != normalise_address(other)
    assert normalise_address(other) != normalise_address(one)


def test_street_type_is_only_read_from_the_first_word() -> None:
    # 'pl' after the number is a floor ('planta'), not 'plaza'
    assert normalise_address("Calle Sol 3 pl 2") == "calle sol 3 pl 2"


def test_address_key_scopes_by_user_and_postal_code() -> None:
    key = address_key("u1", "28013", "C/ Mayor, 5")
    assert key == address_key("u1", "28013", "calle mayor 5")
    assert key != address_key("u2", "28013", "calle mayor 5")
    assert key != address_key("u1", "28014", "calle mayor 5")
