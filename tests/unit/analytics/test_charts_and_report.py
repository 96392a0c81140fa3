import struct
from datetime import date, timedelta

from cogs.analytics import charts
from cogs.analytics.metrics import Figure
from cogs.analytics.report_html import Chart, render_report

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])
    return width, height


DAYS = [date(2026, 11, 1) + timedelta(days=i) for i in range(30)]


def test_every_chart_is_a_png_of_the_expected_size():
    images = [
        charts.growth_chart(
            "Growth", DAYS, list(range(30)), [2] * 30, [1] * 30, ("Members", "Joins", "Leaves")
        ),
        charts.activity_heatmap("Activity", [[h for h in range(24)]] * 7, list("MTWTFSS")),
        charts.funnel_chart("Funnel", [("joined", 10), ("accepted", 6), ("talked", 0)]),
        charts.series_chart("Cases", DAYS, [1.0] * 30, "cases"),
    ]
    for image in images:
        assert png_size(image) == (800, 450)


def test_funnel_with_no_newcomers_still_draws():
    assert png_size(charts.funnel_chart("Funnel", [("joined", 0), ("accepted", 0)])) == (800, 450)


def test_report_escapes_and_embeds_charts():
    html = render_report(
        title="Rapport <novembre>",
        subtitle="Serveur & co",
        lang="fr",
        headers=("Indicateur", "Valeur", "Avant", "Évolution"),
        figures=[Figure("members", 120.0, 100.0), Figure("nps", None, None)],
        label_of=lambda key: {"members": "Membres", "nps": "NPS <b>"}[key],
        format_value=lambda fig, value: "—" if value is None else f"{value:.0f}",
        charts=[Chart("Croissance", b"\x89PNGfake")],
    )
    assert "<novembre>" not in html and "&lt;novembre&gt;" in html
    assert "NPS &lt;b&gt;" in html
    assert "+20.0%" in html
    assert 'src="data:image/png;base64,' in html
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")


def _pixels_of(png: bytes, colour: str, columns: slice, rows: slice) -> int:
    """How many pixels of ``colour`` (±16 per channel) a region of the image has."""
    import io

    import matplotlib.image

    image = matplotlib.image.imread(io.BytesIO(png))[rows, columns, :3] * 255
    target = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    close = (abs(image - target) <= 16).all(axis=-1)
    return int(close.sum())


def test_a_growth_chart_of_one_day_shows_its_point():
    """The month so far on the 1st has one day: a line through one point draws nothing, so
    the members curve used to be an empty frame (and the axis counted hours)."""
    png = charts.growth_chart(
        "Growth", [date(2026, 3, 1)], [42], [3], [1], ("Members", "Joins", "Leaves")
    )
    # Right of the legend, in the upper (members) panel: only the curve is blue there.
    assert _pixels_of(png, charts.BLUE, slice(250, 800), slice(40, 270)) > 20
    several = charts.growth_chart(
        "Growth",
        [date(2026, 3, 1) + timedelta(days=i) for i in range(5)],
        [40, 41, 41, 43, 42],
        [1, 1, 0, 2, 0],
        [0, 0, 0, 0, 1],
        ("Members", "Joins", "Leaves"),
    )
    assert _pixels_of(several, charts.BLUE, slice(250, 800), slice(40, 270)) > 20
