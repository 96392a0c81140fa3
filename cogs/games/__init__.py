"""Games: trivia, XP and levels, weekly challenges and leaderboards."""
