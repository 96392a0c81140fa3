"""Embeds of the feedback feature, built from rows and the catalogue (no logic of their own)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
from discord.utils import TimestampStyle

from . import polls as poll_rules
from .digest import Digest
from .models import FeedbackEntry, Poll, Suggestion
from .polls import PollResults
from .schema import SurveyDef
from .suggestions import STATUS_COLOURS, STATUS_EMOJI
from .surveys import clip

T = Callable[..., str]  # t(key, **fields) bound to a locale

FIELD_MAX = 1024
# Characters of voter mentions in a results embed (the whole embed must stay under 6000).
VOTERS_BUDGET = 2500
TREND_ARROWS = {"up": "↗", "down": "↘", "flat": "→", "new": "•", "none": "–"}


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


def timestamp(moment: Any, style: TimestampStyle = "f") -> str:
    return discord.utils.format_dt(moment, style)


def entry_embed(t: T, entry: FeedbackEntry, category: str) -> discord.Embed:
    """An entry as staff see it in the inbox: never the author of an anonymous one."""
    embed = discord.Embed(
        title=t("feedback.inbox.title", id=entry.id),
        # the text as written, line breaks kept (clip would fold a list into one line)
        description=entry.text[:4000] if entry.text else t("feedback.inbox.no_text"),
        colour=0x5865F2,
        timestamp=entry.created_at,
    )
    embed.add_field(name=t("feedback.inbox.category"), value=category)
    embed.add_field(
        name=t("feedback.inbox.rating"), value=f"{stars(entry.rating)} ({entry.rating}/5)"
    )
    author = t("feedback.inbox.anonymous") if entry.author_id is None else f"<@{entry.author_id}>"
    embed.add_field(name=t("feedback.inbox.author"), value=author)
    return embed


def suggestion_embed(t: T, s: Suggestion, status_name: str) -> discord.Embed:
    """A suggestion with its status (colour follows), reason and live counts."""
    embed = discord.Embed(
        title=t("feedback.suggest.title", id=s.id),
        description=s.text,
        colour=STATUS_COLOURS.get(s.status, 0x5865F2),
        timestamp=s.created_at,
    )
    author = f"<@{s.author_id}>" if s.author_id else t("feedback.suggest.former_member")
    embed.add_field(name=t("feedback.suggest.author"), value=author)
    embed.add_field(
        name=t("feedback.suggest.status"), value=f"{STATUS_EMOJI.get(s.status, '')} {status_name}"
    )
    embed.add_field(
        name=t("feedback.suggest.votes"), value=t("feedback.suggest.counts", up=s.up, down=s.down)
    )
    if s.reason:
        embed.add_field(
            name=t("feedback.suggest.reason"), value=clip(s.reason, FIELD_MAX), inline=False
        )
    return embed


def poll_embed(t: T, poll: Poll) -> discord.Embed:
    """The open poll: question, numbered options, rules and closing time."""
    lines = [f"**{i}.** {label}" for i, label in enumerate(poll.options, start=1)]
    rules = [t("feedback.poll.multiple" if poll.multiple else "feedback.poll.single")]
    if poll.anonymous:
        rules.append(t("feedback.poll.anonymous"))
    rules.append(t("feedback.poll.closes", when=timestamp(poll.closes_at, "R")))
    embed = discord.Embed(title=poll.question, description="\n".join(lines), colour=0x5865F2)
    embed.add_field(name=t("feedback.poll.how"), value="\n".join(rules), inline=False)
    embed.set_footer(text=t("feedback.poll.footer", id=poll.id))
    return embed


def results_embed(
    t: T, poll: Poll, results: PollResults, voters_by_option: dict[int, list[int]] | None
) -> discord.Embed:
    """Results: a text bar per option (readable without the image) and the chart image."""
    lines = []
    for option in results.options:
        crown = " 🏆" if option.winner else ""
        lines.append(
            f"**{option.label}**{crown}\n`{poll_rules.bar(option.percent)}` "
            + t("feedback.poll.result_line", votes=option.votes, percent=round(option.percent))
        )
    embed = discord.Embed(
        title=t("feedback.poll.results_title", question=clip(poll.question, 200)),
        description="\n".join(lines)[:4000],
        colour=0x23A55A,
    )
    embed.add_field(name=t("feedback.poll.voters"), value=str(results.voters))
    if voters_by_option and not poll.anonymous:
        # an embed holds 6000 characters in all: voters share a fixed budget, the rest counted
        budget = VOTERS_BUDGET
        for option in results.options:
            ids = voters_by_option.get(option.index, [])
            if not ids:
                continue
            shown: list[str] = []
            for user_id in ids:
                mention = f"<@{user_id}>"
                if len(mention) + 2 > budget or len(shown) >= 30:
                    break
                shown.append(mention)
                budget -= len(mention) + 2
            more = (
                t("feedback.poll.and_more", count=len(ids) - len(shown))
                if len(shown) < len(ids)
                else ""
            )
            value = ", ".join(shown) + more
            embed.add_field(
                name=clip(option.label, 256), value=clip(value, FIELD_MAX), inline=False
            )
            budget -= len(option.label) + len(more)
    embed.set_image(url="attachment://poll.png")
    embed.set_footer(text=t("feedback.poll.footer", id=poll.id))
    return embed


def survey_embed(t: T, survey: SurveyDef) -> discord.Embed:
    embed = discord.Embed(
        title=survey.title, description=survey.description or None, colour=0x1ABC9C
    )
    embed.set_footer(text=t("feedback.survey.footer", count=len(survey.questions)))
    return embed


def digest_embed(t: T, digest: Digest, category_name: Callable[[str], str]) -> discord.Embed:
    """The marketing digest: volumes, ratings and trend, NPS, top suggestions, comments."""
    title = t(f"feedback.digest.title_{digest.period}")
    embed = discord.Embed(
        title=title,
        description=t(
            "feedback.digest.range",
            start=timestamp(digest.start, "d"),
            end=timestamp(digest.end, "d"),
        ),
        colour=0x5865F2,
    )
    embed.add_field(
        name=t("feedback.digest.entries"),
        value=t(
            "feedback.digest.entries_value", count=digest.entries, previous=digest.previous_entries
        ),
    )
    trend = digest.rating
    if trend.current is None:
        rating = t("feedback.digest.no_rating")
    else:
        delta = "" if trend.delta is None else f" ({trend.delta:+.2f})"
        rating = f"{trend.current:.2f}/5 {TREND_ARROWS[trend.direction]}{delta}"
    embed.add_field(name=t("feedback.digest.rating"), value=rating)
    if digest.nps is None:
        nps = t("feedback.digest.no_nps")
    else:
        before = "" if digest.previous_nps is None else f" ({digest.nps - digest.previous_nps:+d})"
        nps = (
            t("feedback.digest.nps_value", nps=f"{digest.nps:+d}", answers=digest.nps_answers)
            + before
        )
    embed.add_field(name="NPS", value=nps)
    if digest.by_category:
        lines = []
        for category, count in digest.by_category.items():
            average = digest.category_ratings.get(category)
            suffix = f" · {average:.1f}/5" if average is not None else ""
            lines.append(f"{category_name(category)}: **{count}**{suffix}")
        embed.add_field(
            name=t("feedback.digest.by_category"), value="\n".join(lines)[:FIELD_MAX], inline=False
        )
    if digest.top_suggestions:
        lines = [
            f"#{s.id} · 👍 {s.up} 👎 {s.down} · {clip(s.text, 80)}" for s in digest.top_suggestions
        ]
        embed.add_field(
            name=t("feedback.digest.top_suggestions"),
            value="\n".join(lines)[:FIELD_MAX],
            inline=False,
        )
    if digest.comments:
        lines = [
            f"{stars(c.rating)} *{category_name(c.category)}* — {clip(c.text, 180)}"
            for c in digest.comments
        ]
        embed.add_field(
            name=t("feedback.digest.comments"), value="\n".join(lines)[:FIELD_MAX], inline=False
        )
    return embed
