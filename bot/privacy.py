"""User data: walk every registered store to export or forget one member of one guild."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Protocol

log = logging.getLogger(__name__)


class UserDataStore(Protocol):
    """What ``bot.register_store`` accepts."""

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]: ...

    async def forget_user(self, guild_id: int, user_id: int) -> int: ...


def store_name(store: object) -> str:
    """``PoliciesStore`` -> ``policies`` (the section name in exports); a ``privacy_name``
    attribute wins, for a cog that answers for its store."""
    explicit = getattr(store, "privacy_name", None)
    if isinstance(explicit, str):
        return explicit
    name = type(store).__name__
    return (name[: -len("Store")] if name.endswith("Store") and name != "Store" else name).lower()


class Privacy:
    """The registered stores and the two operations members may ask for."""

    def __init__(self) -> None:
        self.stores: list[UserDataStore] = []

    def register(self, store: UserDataStore) -> None:
        """Add a store (once)."""
        if store not in self.stores:
            self.stores.append(store)

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Everything every store keeps about the user in the guild."""
        result: dict[str, Any] = {
            "guild_id": guild_id,
            "user_id": user_id,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data": {},
        }
        for store in self.stores:
            result["data"][store_name(store)] = await store.export_user(guild_id, user_id)
        return result

    async def export_json(self, guild_id: int, user_id: int) -> str:
        """The export as indented JSON text (ids and dates as they are, datetimes as strings)."""
        return json.dumps(
            await self.export_user(guild_id, user_id), indent=2, ensure_ascii=False, default=str
        )

    async def forget_user(self, guild_id: int, user_id: int) -> dict[str, int]:
        """Ask every store to forget the user; rows changed per store."""
        counts: dict[str, int] = {}
        for store in self.stores:
            counts[store_name(store)] = await store.forget_user(guild_id, user_id)
        log.info("forgot user %s in guild %s: %s", user_id, guild_id, counts)
        return counts
