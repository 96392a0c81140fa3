"""Benchmark: the policy engine against a Red-style single ``re`` alternation, same process.

2,000 banned words + 50 regexes, normalization on, over a generated French and English chat
corpus; plus the worst of several 2,000-character adversarial messages. Targets (issue #3):
>= 100,000 msg/s, >= 50x the baseline, adversarial message < 1 ms.

Run alone: ``python -m bench.policies_engine`` (or ``python bench/policies_engine.py``);
``run()`` returns the rows for ``python -m bench``.
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cogs.policies.engine import Engine, MessageFacts  # noqa: E402

SEED = 20261124
N_WORDS = 2000
N_REGEX = 50
N_MESSAGES = 20000

_FR = (
    "salut à tous j’ai vu le match hier soir c’était vraiment génial on se retrouve où pour la "
    "prochaine session est-ce que quelqu’un a testé la nouvelle mise à jour les serveurs sont "
    "lents ce soir merci pour l’aide la classe franchement analyse du patch notes assistant "
    "très drôle déconner peut-être demain après-midi réunion équipe stratégie première fois "
    "ça marche bien château forêt élève où sont les règles du serveur bonne journée"
).split()
_EN = (
    "hello everyone did anyone see the game last night it was awesome where do we meet for the "
    "next session has someone tried the new update servers are slow tonight thanks for the "
    "help classic assistant analysis Scunthorpe cocktail passage grass class therapist "
    "tomorrow afternoon team strategy first time it works well what are the server rules"
).split()
_INSULTS = ["connard", "salope", "encule", "fdp", "batard", "idiot", "moron", "bastard"]
_EVASIONS = [
    "c0nn4rd",
    "s.a.l.o.p.e",
    "сonnаrd",
    "i\u200bd\u200bi\u200bo\u200bt",
    "**mor**on",
    "ＢＡＳＴＡＲＤ",
]
_SYLLABLES = "ka zu pri mo vel tra qui dor nex fal gro bli sku zan wop yer jix ulf orm".split()


def banned_words(rng: random.Random) -> list[str]:
    """2,000 entries: real insults, generated words, prefix and suffix wildcards."""
    words = list(_INSULTS)
    while len(words) < N_WORDS:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        roll = rng.random()
        if roll < 0.05:
            word += "*"
        elif roll < 0.08:
            word = "*" + word
        words.append(word)
    return words


def regexes(rng: random.Random) -> list[str]:
    """50 patterns of the kind moderators write (scam phrases, codes, lookalike domains)."""
    base = [
        r"free\s+nitro",
        r"steam\s*community\.(?:ru|gift|xyz)",
        r"\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b",
        r"(?:buy|sell)\s+(?:followers|accounts)",
        r"gift\s*card\s*generator",
        r"@everyone\s+(?:giveaway|airdrop)",
    ]
    while len(base) < N_REGEX:
        a, b = rng.choice(_SYLLABLES), rng.choice(_SYLLABLES)
        base.append(rf"{a}{b}\s*\d{{2,4}}\s+{rng.choice(_SYLLABLES)}")
    return base


def corpus(rng: random.Random, words: list[str]) -> list[str]:
    """Chat lines, French and English, a few with links, mentions, emoji and insults."""
    lines = []
    for _ in range(N_MESSAGES):
        vocab = _FR if rng.random() < 0.5 else _EN
        line = " ".join(rng.choice(vocab) for _ in range(rng.randint(3, 16)))
        roll = rng.random()
        if roll < 0.01:
            line += " " + rng.choice(_EVASIONS)  # what a plain alternation cannot see
        elif roll < 0.02:
            line += " " + rng.choice(words).strip("*")
        elif roll < 0.04:
            line += " https://example.com/page"
        elif roll < 0.06:
            line = line.capitalize() + " !! 😀"
        lines.append(line)
    return lines


def adversarial() -> dict[str, str]:
    """2,000-character messages built to hurt: partial matches, spacing, invisibles, scripts."""
    return {
        "spaced letters": ("c o n n a r " * 200)[:2000],
        "near misses": ("connar" * 400)[:2000],
        "zero-width": ("c\u200bo\u200bn\u200b" * 400)[:2000],
        "homoglyphs+zalgo": ("сонн\u0301\u0302\u0303а" * 300)[:2000],
        "cyrillic words": ("привет мир " * 200)[:2000],
        "regex bait": ("free " * 400)[:2000],
    }


def _facts(lines: list[str]) -> list[MessageFacts]:
    return [
        MessageFacts(1, 10, 100 + (i % 500), line, 1_700_000_000.0 + i, message_id=i + 1)
        for i, line in enumerate(lines)
    ]


def _rate(func, items, repeat: int = 5) -> float:
    """Items per CPU second of this process, best of ``repeat`` rounds.

    CPU time rather than wall time: on a shared two-core machine other processes steal the
    core between our instructions, which wall time would count against us (and the baseline).
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            func(item)
        best = min(best, time.process_time() - start)
    return len(items) / best


def run() -> list[dict]:
    """Rows: name, our value, baseline value, ratio, target, ok."""
    rng = random.Random(SEED)
    words = banned_words(rng)
    patterns = regexes(rng)
    section = {
        "rules": [
            {"name": "words", "triggers": {"words": words}, "actions": ["delete"]},
            {"name": "scams", "triggers": {"regex": patterns}, "actions": ["delete", "alert"]},
        ]
    }
    engine = Engine.from_section(section)
    lines = corpus(rng, words)
    facts = _facts(lines)
    red = re.compile(
        r"\b(?:" + "|".join(re.escape(w.strip("*")) for w in words) + r")\b", re.IGNORECASE
    )
    # Check both flag the plain insults the same way before timing anything.
    flagged = sum(1 for f in facts if engine.evaluate(f))
    red_flagged = sum(1 for line in lines if red.search(line))
    ours = _rate(engine.evaluate, facts)
    base = _rate(red.search, lines[:2000], repeat=2)
    worst_name, worst = "", 0.0
    for name, text in adversarial().items():
        fact = MessageFacts(1, 10, 7, text, 1_700_000_000.0)
        per = float("inf")
        for _ in range(5):
            start = time.process_time()
            for _ in range(20):
                engine.evaluate(fact)
            per = min(per, (time.process_time() - start) / 20)
        if per > worst:
            worst_name, worst = name, per
    return [
        {
            "name": "policies: msg/s (2,000 words + 50 regex, normalized)",
            "ours": round(ours),
            "baseline": round(base),
            "ratio": round(ours / base, 1),
            "target": ">= 100000 msg/s and >= 50x",
            "ok": ours >= 100_000 and ours / base >= 50,
        },
        {
            "name": f"policies: worst 2,000-char adversarial ({worst_name}), ms",
            "ours": round(worst * 1000, 3),
            "baseline": None,
            "ratio": None,
            "target": "< 1 ms",
            "ok": worst < 0.001,
        },
        {
            "name": "policies: corpus messages flagged (ours / Red-style)",
            "ours": flagged,
            "baseline": red_flagged,
            "ratio": round(flagged / red_flagged, 2) if red_flagged else None,
            "target": "ours > baseline (1% of lines hide an insult)",
            "ok": flagged > red_flagged,
        },
    ]


def main() -> int:
    """Print the table; exit 1 if a target is missed."""
    from bench.__main__ import run_alone

    return run_alone("policies_engine", run())


if __name__ == "__main__":
    sys.exit(main())
