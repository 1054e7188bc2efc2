"""The UserSearch table: one item per (term, user), all in one partition sorted by term, so a prefix is a
single range query."""

from collections.abc import Iterator

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute
from pynamodb.transactions import TransactWrite

from shared.core.dal.pages import read_page
from shared.core.dal.tables import TableRecord
from shared.core.paging import Key, PageRequest
from shared.users.search_terms import first_match

_BUCKET = "users"


class SearchTermRecord(TableRecord):
    class Meta:
        table_setting = "user_search_table"

    bucket = UnicodeAttribute(hash_key=True)
    term = UnicodeAttribute(range_key=True)  # "<term>#<user id>"
    user_id = UnicodeAttribute()
    terms = UnicodeSetAttribute()  # all the user's terms, to show each user once (first_match)


def index_user(transaction: TransactWrite, user_id: str, terms: frozenset[str]) -> None:
    for term in terms:
        record = SearchTermRecord(_BUCKET, f"{term}#{user_id}", user_id=user_id, terms=set(terms))
        transaction.save(record)


def find_user_ids(prefix: str, page: PageRequest) -> tuple[list[str], str | None]:
    def matches(limit: int, start: Key | None) -> Iterator[SearchTermRecord]:
        records = SearchTermRecord.query(
            _BUCKET, SearchTermRecord.term.startswith(prefix), last_evaluated_key=start, page_size=limit
        )
        for record in records:
            if first_match(frozenset(record.terms), prefix) == record.term.rsplit("#", 1)[0]:
                yield record

    records, cursor = read_page(matches, page, lambda record: {"bucket": {"S": _BUCKET}, "term": {"S": record.term}})
    return [record.user_id for record in records], cursor
