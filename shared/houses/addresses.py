"""The duplicate-house rule: two addresses are the same once case, accents, punctuation, whitespace,
street-type abbreviations and filler words are folded away ('C/ Mayor, 5' == 'calle mayor 5')."""

from shared.core.text import words

# Only the first word names the street type: later on, 'pl' is a floor ('planta') and 'c' a door.
_STREET_TYPES = {
    "calle": ("c", "cl", "cll", "calle"),
    "avenida": ("av", "avd", "avda", "avenida"),
    "plaza": ("pl", "pza", "plz", "plaza"),
    "paseo": ("p", "po", "pso", "paseo"),
    "carretera": ("ctra", "cra", "carretera"),
    "camino": ("cno", "cmno", "camino"),
    "ronda": ("rda", "ronda"),
    "travesia": ("trav", "tr", "travesia"),
    "urbanizacion": ("urb", "urbanizacion"),
    "glorieta": ("gta", "glorieta"),
    "pasaje": ("pje", "pasaje"),
}
_STREET_TYPE_BY_ABBREVIATION = {abbr: name for name, abbrs in _STREET_TYPES.items() for abbr in abbrs}
# 'número' markers and articles that people write or leave out freely.
_FILLER_WORDS = frozenset({"n", "no", "num", "numero", "de", "del", "la", "el", "las", "los"})


def normalise_address(address: str) -> str:
    tokens = words(address)
    if tokens and tokens[0] in _STREET_TYPE_BY_ABBREVIATION:
        tokens[0] = _STREET_TYPE_BY_ABBREVIATION[tokens[0]]
    return " ".join(token for token in tokens if token not in _FILLER_WORDS)


def address_key(user_id: str, postal_code: str, address: str) -> str:
    """The unique key that makes 'one house per user, address and postal code' atomic in storage."""
    return f"house-address#{user_id}#{postal_code}#{normalise_address(address)}"
