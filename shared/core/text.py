"""Text folding shared by the duplicate-address rule and the user search."""

import re
import unicodedata

_SEPARATORS = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case without accents or other marks ('Peña' -> 'pena', 'nº' -> 'no')."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Folded words; anything but ASCII letters and digits separates them."""
    return [word for word in _SEPARATORS.split(fold(text)) if word]
