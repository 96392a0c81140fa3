"""The ``/rank`` card: a PNG drawn with Pillow. Pure logic, no discord import.

Rendering takes a few milliseconds; the cog runs it in a thread so the event loop never waits.
Fonts: DejaVu Sans when the system has it, else Pillow's bundled scalable default font.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 934, 282
_BACKGROUND = (35, 39, 42)
_PANEL = (47, 49, 54)
_TEXT = (255, 255, 255)
_MUTED = (185, 187, 190)
_BAR_BACK = (72, 75, 78)
_FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
)


@dataclass(frozen=True)
class RankCard:
    """What the card shows. Labels come translated from the cog's catalogue."""

    display_name: str
    level: int
    rank: int | None
    xp_into_level: int
    xp_for_level: int
    total_xp: int
    level_label: str = "LEVEL"
    rank_label: str = "RANK"
    xp_label: str = "XP"
    accent: tuple[int, int, int] = (88, 101, 242)
    avatar_png: bytes | None = None


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _fit(
    draw: ImageDraw.ImageDraw, text: str, size: int, max_width: int
) -> tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    """Shrink, then cut with an ellipsis, until the text fits the width."""
    font = _font(size)
    while size > 18 and draw.textlength(text, font=font) > max_width:
        size -= 2
        font = _font(size)
    if draw.textlength(text, font=font) <= max_width:
        return text, font
    while text and draw.textlength(text + "…", font=font) > max_width:
        text = text[:-1]
    return text + "…", font


def _avatar(card: RankCard, size: int) -> Image.Image:
    circle = Image.new("L", (size, size), 0)
    ImageDraw.Draw(circle).ellipse((0, 0, size - 1, size - 1), fill=255)
    picture: Image.Image | None = None
    if card.avatar_png:
        try:
            picture = Image.open(io.BytesIO(card.avatar_png)).convert("RGB").resize((size, size))
        except (OSError, ValueError):
            picture = None  # a broken avatar must not break /rank
    if picture is None:
        picture = Image.new("RGB", (size, size), card.accent)
        initial = (card.display_name.strip()[:1] or "?").upper()
        draw = ImageDraw.Draw(picture)
        draw.text((size / 2, size / 2), initial, font=_font(size // 2), fill=_TEXT, anchor="mm")
    out = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    out.paste(picture, (0, 0), circle)
    return out


def _short(number: int) -> str:
    if abs(number) >= 1_000_000:
        return f"{number / 1_000_000:.1f}M"
    if abs(number) >= 10_000:
        return f"{number / 1000:.1f}k"
    return str(number)


def render_rank_card(card: RankCard) -> bytes:
    """The card as PNG bytes (934x282, RGBA)."""
    image = Image.new("RGBA", (WIDTH, HEIGHT), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((20, 20, WIDTH - 20, HEIGHT - 20), radius=24, fill=_PANEL)

    avatar_size = 180
    image.alpha_composite(_avatar(card, avatar_size), (50, (HEIGHT - avatar_size) // 2))

    left = 270
    right = WIDTH - 50
    name, name_font = _fit(draw, card.display_name, 40, right - left - 260)
    draw.text((left, 150), name, font=name_font, fill=_TEXT, anchor="ls")

    # Level and rank, right-aligned on the top line.
    x: float = right
    for label, value in (
        (card.level_label, str(card.level)),
        (card.rank_label, f"#{card.rank}" if card.rank else "—"),
    ):
        draw.text((x, 95), value, font=_font(52), fill=card.accent, anchor="rs")
        x -= draw.textlength(value, font=_font(52)) + 10
        draw.text((x, 95), label, font=_font(22), fill=_MUTED, anchor="rs")
        x -= draw.textlength(label, font=_font(22)) + 30

    xp_text = f"{_short(card.xp_into_level)} / {_short(card.xp_for_level)} {card.xp_label}"
    draw.text((right, 150), xp_text, font=_font(24), fill=_MUTED, anchor="rs")

    bar_top, bar_bottom = 175, 215
    draw.rounded_rectangle((left, bar_top, right, bar_bottom), radius=20, fill=_BAR_BACK)
    share = (
        0.0
        if card.xp_for_level <= 0
        else min(1.0, max(0.0, card.xp_into_level / card.xp_for_level))
    )
    filled = left + round((right - left) * share)
    if filled - left >= bar_bottom - bar_top:  # narrower than its own rounding looks broken
        draw.rounded_rectangle((left, bar_top, filled, bar_bottom), radius=20, fill=card.accent)

    total = f"{_short(card.total_xp)} {card.xp_label}"
    draw.text((left, 250), total, font=_font(20), fill=_MUTED, anchor="ls")

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
