"""How anonymous feedback stays anonymous to staff yet reachable by its author. No discord import.

An anonymous entry stores no ``author_id``. It stores instead:

- ``author_key`` = HMAC-SHA256(key, "author:<guild>:<user>"): lets the author list and delete
  their own entries (the bot recomputes the key from the member asking), while nobody can read
  a member id back from it without the key.
- ``sealed_author`` = user id XOR the first 8 bytes of HMAC-SHA256(key, "seal:<guild>:<entry>"):
  lets the bot deliver a staff reply by DM without ever showing who wrote the entry. The pad is
  a PRF of the entry id, unique per entry, so it is a one-time pad.

``key`` is a random per-guild secret kept in the database, combined with the optional process
secret ``VIGIE_FEEDBACK_SECRET``. Without that variable, whoever holds the database file can
unmask authors: anonymity protects members from staff on Discord, not from the bot's host.
Setting the variable (kept outside the database) closes that too; set it once and keep it:
changing it cuts every existing anonymous entry from its author (no listing, deleting or
replies any more; the store checks the unsealed id against ``author_key`` so a changed secret
never sends a reply to a stranger). ``forget_user`` deletes both columns, after which nobody,
not even the bot, can tie the entry to a member.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_BYTES = 32
_MASK = (1 << 64) - 1


def new_guild_secret() -> bytes:
    """A fresh random per-guild secret."""
    return secrets.token_bytes(KEY_BYTES)


def derive_key(guild_secret: bytes, process_secret: str | None) -> bytes:
    """Combine the per-guild secret with the optional process secret."""
    pepper = (process_secret or "").encode()
    return hmac.new(guild_secret, b"vigie-feedback:" + pepper, hashlib.sha256).digest()


def author_key(key: bytes, guild_id: int, user_id: int) -> str:
    """The keyed hash that lets a member find their own anonymous entries."""
    message = f"author:{guild_id}:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _pad(key: bytes, guild_id: int, entry_id: int) -> int:
    digest = hmac.new(key, f"seal:{guild_id}:{entry_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def seal_author(key: bytes, guild_id: int, entry_id: int, user_id: int) -> int:
    """Encrypt ``user_id`` for this entry; the result fits SQLite's signed 64-bit INTEGER."""
    sealed = (user_id ^ _pad(key, guild_id, entry_id)) & _MASK
    return sealed - (1 << 64) if sealed >= 1 << 63 else sealed


def unseal_author(key: bytes, guild_id: int, entry_id: int, sealed: int) -> int:
    """Decrypt a value made by :func:`seal_author`."""
    return ((sealed & _MASK) ^ _pad(key, guild_id, entry_id)) & _MASK
