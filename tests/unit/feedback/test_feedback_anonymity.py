"""Keyed author hash and sealed author id of anonymous feedback."""

from hypothesis import given
from hypothesis import strategies as st

from cogs.feedback import anonymity

SNOWFLAKE = st.integers(0, (1 << 64) - 1)


@given(SNOWFLAKE, st.integers(1, 1 << 62), SNOWFLAKE)
def test_seal_round_trips_and_fits_sqlite_integer(guild, entry, user):
    key = anonymity.derive_key(b"k" * 32, None)
    sealed = anonymity.seal_author(key, guild, entry, user)
    assert -(1 << 63) <= sealed < 1 << 63
    assert anonymity.unseal_author(key, guild, entry, sealed) == user


def test_seal_depends_on_entry_and_key():
    key = anonymity.derive_key(b"k" * 32, None)
    user = 123456789012345678
    assert anonymity.seal_author(key, 1, 1, user) != anonymity.seal_author(key, 1, 2, user)
    other = anonymity.derive_key(b"k" * 32, "pepper")
    assert anonymity.seal_author(key, 1, 1, user) != anonymity.seal_author(other, 1, 1, user)
    assert anonymity.seal_author(key, 1, 1, user) != user


def test_author_key_is_stable_per_member_and_guild():
    key = anonymity.derive_key(anonymity.new_guild_secret(), None)
    assert anonymity.author_key(key, 1, 42) == anonymity.author_key(key, 1, 42)
    assert anonymity.author_key(key, 1, 42) != anonymity.author_key(key, 2, 42)
    assert anonymity.author_key(key, 1, 42) != anonymity.author_key(key, 1, 43)
