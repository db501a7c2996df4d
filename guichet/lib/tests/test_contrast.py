import pytest

from guichet.lib.contrast import contrast_ratio, darken, relative_luminance


def test_the_extremes():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#FFFFFF") == pytest.approx(1)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1)


@pytest.mark.parametrize(
    ("colour", "ratio"),
    [
        # Reference values from the WebAIM contrast checker, against white.
        ("#767676", 4.54),
        ("#777777", 4.48),
        ("#595959", 7.00),
        ("#0000ff", 8.59),
    ],
)
def test_ratios_against_white(colour, ratio):
    assert contrast_ratio(colour, "#ffffff") == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio("#ffffff", colour) == contrast_ratio(colour, "#ffffff")


def test_darken_keeps_the_format_and_darkens():
    assert darken("#1d4f91") == "#163b6d"
    assert relative_luminance(darken("#80c0ff")) < relative_luminance("#80c0ff")


@pytest.mark.parametrize("bad", ["", "1d4f91", "#1d4f9", "#gggggg", None])
def test_bad_colours_are_refused(bad):
    with pytest.raises(ValueError):
        relative_luminance(bad)
