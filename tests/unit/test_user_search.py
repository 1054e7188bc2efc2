from shared.users.search_terms import first_match, search_key, search_terms


def test_terms_cover_name_words_full_name_email_and_nif() -> None:
    terms = search_terms("García López, Juan", "Juan.Perez@Example.com", "X1234567L")
    assert terms == {
        "garcia lopez juan",
        "garcia",
        "lopez",
        "juan",
        "juan perez example com",
        "x1234567l",
    }


def test_queries_fold_like_terms() -> None:
    assert search_key("  GARCÍA  ló") == "garcia lo"
    assert search_key("juan.perez@ex") == "juan perez ex"


def test_first_match_is_the_smallest_matching_term() -> None:
    terms = search_terms("Juan Juanes", "juan@example.com", None)
    assert first_match(terms, "juan") == "juan"
    assert first_match(terms, "juan ") == "juan example com"
    assert first_match(terms, "pedro") is None
