"""Where trivia lists come from: files in ``config/trivia/`` and lists managers uploaded.

No discord import. An uploaded list takes precedence over a shipped one of the same name, in
its guild only. A list is always named by its key (the file stem or upload name), whatever
title the file gives itself, so scores and ``/trivia start`` agree.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from pathlib import Path

from bot.user_error import UserError
from cogs.games.store import GamesStore
from cogs.games.trivia_formats import TriviaFormatError, TriviaList, load_trivia_file, parse_trivia

log = logging.getLogger(__name__)

LIST_NAME = re.compile(r"^[\w.-]{1,64}$")


class TriviaLibrary:
    """Shipped lists (re-read when a file changes) and a guild's uploaded ones."""

    def __init__(self, store: GamesStore, lists_dir: Path) -> None:
        self.store = store
        self.lists_dir = lists_dir
        self._shipped: dict[str, tuple[float, TriviaList]] = {}
        # Uploaded lists as last read, with the text they were read from: a big list takes
        # seconds to parse, longer than Discord waits for /trivia start to answer.
        self._uploaded: dict[tuple[int, str], tuple[str, TriviaList]] = {}

    def remember(self, guild_id: int, name: str, content: str, loaded: TriviaList) -> None:
        """Keep an uploaded list just parsed, so the next start does not parse it again."""
        self._uploaded[(guild_id, name)] = (content, loaded)

    def shipped(self) -> dict[str, TriviaList]:
        """Lists in the folder by name; a broken file is logged and skipped, never fatal."""
        found: dict[str, TriviaList] = {}
        paths = sorted(self.lists_dir.glob("*.yaml")) if self.lists_dir.is_dir() else []
        for path in paths:
            stamp = path.stat().st_mtime
            cached = self._shipped.get(path.stem)
            if cached is None or cached[0] != stamp:
                try:
                    cached = (stamp, load_trivia_file(path))
                except TriviaFormatError as exc:
                    log.error("trivia list %s is invalid:\n%s", path, exc)
                    continue
                self._shipped[path.stem] = cached
            found[path.stem] = cached[1]
        return found

    async def load(self, guild_id: int, name: str) -> TriviaList:
        """The list ``name`` for ``guild_id``; ``UserError`` when there is none."""
        if not LIST_NAME.match(name):
            raise UserError("games.trivia.unknown_list", name=name[:64])
        stored = await self.store.uploaded_list(guild_id, name)
        if stored is not None:
            cached = self._uploaded.get((guild_id, name))
            if cached is None or cached[0] != stored.content:
                # Off the event loop: the bot keeps answering while a big list is read.
                loaded = await asyncio.to_thread(
                    parse_trivia, stored.content, f"{name}.yaml", name=name
                )
                cached = (stored.content, loaded)
                self._uploaded[(guild_id, name)] = cached
            return replace(cached[1], name=name)
        shipped = self.shipped().get(name)
        if shipped is None:
            raise UserError("games.trivia.unknown_list", name=name)
        return replace(shipped, name=name)
