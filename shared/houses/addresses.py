"""The duplicate-house rule: two addresses are the same once written alike: case, accents, punctuation and spacing
folded; street types in any of their forms (abbreviations, INE codes, the Catalan, Galician and Basque names; a
Basque type after the name as people write it: `Ercilla kalea 24`) as one Spanish name; the linking article after
the type (`de`, `del`, `de la`, `d'`, `do`, `da`...) and the number markers (`nº`, `n.º`, `num.`) left out; letters
and digits written together (`2ºB`, `12A`) apart; and the side of a floor written out (`izda` = `izquierda`).
Floors and doors still tell houses apart: `5, 2ºB` is not `5, 3ºA`."""

import re

from shared.core.text import fold

_STREET_TYPES = {
    "calle": ("c", "cl", "cll", "calle", "carrer", "rua", "kalea", "kale"),
    "avenida": ("av", "avd", "avda", "avenida", "avinguda", "etorbidea", "hiribidea"),
    "plaza": ("pl", "pz", "pza", "plz", "plaza", "placa", "praza", "enparantza"),
    "paseo": ("p", "po", "ps", "pso", "paseo", "passeig", "pasealekua"),
    "carretera": ("cr", "ctra", "cra", "carretera", "estrada", "errepidea"),
    "camino": ("cm", "cno", "cmno", "camino", "cami", "bidea"),
    "ronda": ("rd", "rda", "ronda"),
    "travesia": ("trav", "tr", "travesia", "travessera", "travessia"),
    "urbanizacion": ("ur", "urb", "urbanizacion", "urbanitzacio"),
    "glorieta": ("gl", "gta", "glorieta"),
    "pasaje": ("pj", "pje", "pasaje", "passatge"),
}
_STREET_TYPE_BY_NAME = {name: street_type for street_type, names in _STREET_TYPES.items() for name in names}
# Basque puts the type after the name (`Ercilla kalea`); abbreviations there would be read as words (`c`, `p`).
_TYPES_AFTER_THE_NAME = frozenset({"kalea", "kale", "etorbidea", "hiribidea", "enparantza", "pasealekua", "bidea"})
_LINKING_ARTICLES = frozenset({"de", "del", "la", "las", "los", "el", "d", "do", "da", "dels", "les"})
_NUMBER_MARKERS = frozenset({"n", "no", "num", "numero"})
_SIDES = {"izda": "izquierda", "izq": "izquierda", "izqda": "izquierda", "dcha": "derecha", "dch": "derecha"}
# Ordinal marks (2º, 1ª) separate like punctuation; letters and digits written together are two words.
_WORDS = re.compile(r"[a-z]+|[0-9]+")


def normalise_address(address: str) -> str:
    tokens = _WORDS.findall(fold(address.replace("º", " ").replace("ª", " ")))
    tokens = _type_first(tokens)
    if tokens and tokens[0] in _STREET_TYPE_BY_NAME:
        tokens[0] = _STREET_TYPE_BY_NAME[tokens[0]]
        after = 1
        while after < len(tokens) - 1 and tokens[after] in _LINKING_ARTICLES:
            after += 1
        tokens = [tokens[0], *tokens[after:]]
    return " ".join(_SIDES.get(token, token) for token in tokens if token not in _NUMBER_MARKERS)


def _type_first(tokens: list[str]) -> list[str]:
    """A Basque street type written after the name (before the number) moved in front, as Spanish writes it."""
    for position, token in enumerate(tokens[1:], start=1):
        if token.isdigit():
            break
        if token in _TYPES_AFTER_THE_NAME:
            return [token, *tokens[:position], *tokens[position + 1 :]]
    return tokens


def address_key(user_id: str, postal_code: str, address: str) -> str:
    """The unique key that makes 'one house per user, address and postal code' atomic in storage."""
    return f"house-address#{user_id}#{postal_code}#{normalise_address(address)}"
