"""Admin feature: /config, /admin status and /privacy (see cog.py and privacy.py)."""

from __future__ import annotations

from typing import Any


async def setup(bot: Any) -> None:
    """Load the admin cogs into ``bot``."""
    from .cog import AdminCog
    from .privacy import PrivacyCog

    await bot.add_cog(AdminCog(bot))
    await bot.add_cog(PrivacyCog(bot))
