from shared.metering.readings import Source, curve_point, source_rank


def test_rf5d_beats_f5d_beats_p5d_beats_datadis() -> None:
    by_precedence = sorted(Source, key=source_rank, reverse=True)
    # Production read from monitoring is stored apart (generation#<house>), and so are the self-consumption curves
    # (A5D#<supply point>, B5D#<supply point>): they never meet the others.
    assert by_precedence == [
        Source.RF5D,
        Source.F5D,
        Source.P5D,
        Source.DATADIS,
        Source.MONITORING,
        Source.A5D,
        Source.B5D,
    ]


def test_sources_carry_the_names_the_api_shows() -> None:
    assert [str(source) for source in Source] == ["RF5D", "F5D", "P5D", "datadis", "monitoring", "A5D", "B5D"]


def test_self_consumption_curves_are_stored_under_their_own_metering_point() -> None:
    supply_point = "ES0021000087654321MF"
    assert curve_point(Source.B5D, supply_point) == f"B5D#{supply_point}"
    assert curve_point(Source.A5D, supply_point) == f"A5D#{supply_point}"
    assert [curve_point(kind, supply_point) for kind in (Source.F5D, Source.RF5D, Source.P5D)] == [supply_point] * 3
