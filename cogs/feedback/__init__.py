"""Feedback: forms, suggestions with votes and statuses, polls, surveys and marketing digests.

Commands: ``/feedback`` and ``/my-feedback`` (everyone), ``/suggest`` and ``/suggestions list``
(everyone), ``/suggestions status`` and ``/poll`` (moderators), ``/feedback-admin reply``
(moderators), ``/feedback-admin report|export`` and ``/survey send`` (managers).

Analytics events (``bot.dispatch``; listen with ``on_<name>(payload: dict)``), every payload
carrying ``guild_id``: ``feedback_entry``, ``feedback_suggestion``, ``feedback_suggestion_vote``,
``feedback_suggestion_status``, ``feedback_poll_vote``, ``feedback_poll_closed``,
``feedback_survey_answer``. Their fields are listed in :mod:`cogs.feedback.service`.

Timers: ``feedback_poll_close`` (key: poll id) and ``feedback_digest`` (key: ``week``/``month``).
"""

from __future__ import annotations

from typing import Any


async def setup(bot: Any) -> None:
    """Load the feedback cogs, their persistent buttons and their store into ``bot``."""
    from .cog import FeedbackCog
    from .poll_cog import PollsCog
    from .service import FeedbackService
    from .suggest_cog import SuggestionsCog
    from .survey_cog import SurveysCog
    from .views import DYNAMIC_ITEMS

    service = FeedbackService(bot)
    bot.register_store(service.store)
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(FeedbackCog(bot, service))
    await bot.add_cog(SuggestionsCog(bot, service))
    await bot.add_cog(PollsCog(bot, service))
    await bot.add_cog(SurveysCog(bot, service))
