"""Vigie core: the services every feature cog relies on (it never names a feature)."""
