"""Poll charts render as PNG, with any number of options from 2 to 10."""

import io

import pytest
from PIL import Image

from cogs.feedback.charts import BACKGROUND, poll_chart


def test_chart_is_an_opaque_png_with_its_own_background():
    data = poll_chart("Which day?", ["Mon", "Tue"], [3, 1], subtitle="4 voters")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data)).convert("RGBA")
    assert image.width == 800
    # the corner pixel is the opaque card colour, so dark text stays readable on dark themes
    expected = tuple(int(BACKGROUND[i : i + 2], 16) for i in (1, 3, 5)) + (255,)
    assert image.getpixel((1, 1)) == expected


def test_chart_grows_with_options_and_handles_no_votes_and_long_labels():
    small = Image.open(io.BytesIO(poll_chart("Q", ["a", "b"], [0, 0])))
    labels = [f"option {i} " + "long words " * 10 for i in range(10)]
    large = Image.open(
        io.BytesIO(poll_chart("Q" * 300, labels, list(range(10)), percents=[5.0] * 10))
    )
    assert large.height > small.height


def test_chart_refuses_mismatched_lengths():
    with pytest.raises(ValueError):
        poll_chart("Q", ["a", "b"], [1])


def test_dollar_signs_are_text_not_math():
    # matplotlib reads $...$ as math: prices in a poll must neither garble nor break the chart
    data = poll_chart(
        "Prize budget: $5 ^_^ or $10?", ["$5 each", "a $\\frac$ b"], [2, 1], subtitle="$3 $"
    )
    assert data.startswith(b"\x89PNG")
