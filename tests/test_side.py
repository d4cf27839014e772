import pytest

from reader.core.side import Side


@pytest.mark.parametrize("side", list(Side))
def test_index_round_trips_and_other_flips(side):
    assert Side.from_index(side.index) is side
    assert side.other is not side and side.other.other is side


def test_values_are_the_stored_strings():
    assert Side("original") is Side.ORIGINAL and Side.TRANSLATION == "translation"
    assert Side.ORIGINAL.index == 0 and Side.TRANSLATION.index == 1
