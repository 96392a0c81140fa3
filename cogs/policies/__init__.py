"""Policies: automatic moderation, manual moderation, cases, escalation and anti-raid."""
