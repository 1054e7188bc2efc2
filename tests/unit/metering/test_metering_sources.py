from shared.metering.readings import Source, source_rank


def test_rf5d_beats_f5d_beats_p5d_beats_datadis() -> None:
    by_precedence = sorted(Source, key=source_rank, reverse=True)
    # Production read from monitoring is stored apart (generation#<house>): it never meets the others.
    assert by_precedence == [Source.RF5D, Source.F5D, Source.P5D, Source.DATADIS, Source.MONITORING]


def test_sources_carry_the_names_the_api_shows() -> None:
    assert [str(source) for source in Source] == ["RF5D", "F5D", "P5D", "datadis", "monitoring"]
