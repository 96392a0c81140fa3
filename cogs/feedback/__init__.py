"""Feedback: forms, suggestions with votes and statuses, polls, surveys and marketing digests."""
