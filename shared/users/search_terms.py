"""Prefix search over users: the terms a user can be found by, and how a query is read.

Every term is folded the same way (lower case, no accents, punctuation as spaces), so
'garcía' finds 'García López, Juan', 'juan.perez@' finds 'Juan.Perez@example.com' and 'x123' finds 'X1234567L'."""

from shared.core.text import words


def search_key(text: str) -> str:
    return " ".join(words(text))


def search_terms(name: str, email: str, nif: str | None) -> frozenset[str]:
    terms = {search_key(name), search_key(email), *words(name)}
    if nif:
        terms.add(search_key(nif))
    terms.discard("")
    return frozenset(terms)


def first_match(terms: frozenset[str], prefix: str) -> str | None:
    """The smallest of a user's terms starting with `prefix`: the one place a listing sorted by term shows
    that user, so a user matching through several terms appears once, and on one page only."""
    return min((term for term in terms if term.startswith(prefix)), default=None)
