"""The /rank card renders a PNG of the documented size, whatever the name or avatar."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cogs.games.rank_card import HEIGHT, WIDTH, RankCard, render_rank_card


def _image(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _avatar_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,avatar,rank,into,needed,total",
    [
        ("alice", None, 1, 45, 220, 300),
        (
            "Ünïcødé — très long pseudonyme qui ne tient pas sur la carte " * 3,
            None,
            12345,
            0,
            100,
            0,
        ),
        ("bob", b"not an image", None, 10**7, 10**7 + 1, 10**9),
        ("", None, 3, 5, 0, 5),
    ],
)
def test_card_is_a_png_of_the_documented_size(name, avatar, rank, into, needed, total):
    card = RankCard(
        display_name=name,
        level=7,
        rank=rank,
        xp_into_level=into,
        xp_for_level=needed,
        total_xp=total,
        level_label="NIVEAU",
        rank_label="RANG",
        avatar_png=avatar,
    )
    image = _image(render_rank_card(card))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT) == (934, 282)


def test_avatar_and_progress_are_drawn():
    empty = _image(render_rank_card(RankCard("alice", 1, 1, 0, 100, 100)))
    full = _image(render_rank_card(RankCard("alice", 1, 1, 99, 100, 199, avatar_png=_avatar_png())))
    assert empty.tobytes() != full.tobytes()
    # The avatar's red shows at the avatar's centre (50 + 90, 141).
    r, g, b, _ = full.convert("RGBA").getpixel((140, 141))
    assert r > 150 and g < 80 and b < 80
    # The bar is filled near its right end only when the level is nearly done.
    accent = RankCard("x", 0, 0, 0, 1, 0).accent
    assert full.convert("RGB").getpixel((WIDTH - 70, 195)) == accent
    assert empty.convert("RGB").getpixel((WIDTH - 70, 195)) != accent
