"""Welcome and onboarding (phase 1: pure logic; the cog is added in phase 2)."""
