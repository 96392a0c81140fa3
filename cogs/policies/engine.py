"""The policy engine: a guild's rules compiled once, evaluated on every message in microseconds.

Pure logic, no discord import, no await, no database. The cog turns a discord.Message into
:class:`MessageFacts`, calls :meth:`Engine.evaluate`, and runs the merged
:class:`~.actions.ActionPlan` of the returned :class:`Verdict` in the background.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

from . import content_checks
from .actions import Action, ActionPlan, merge
from .normalize import digit_skeleton, normalize, normalize_with_offsets
from .rules import Error, Rule, Scope, parse_rules
from .triggers import RegexMatcher, WordMatcher, check_regex
from .verdict import CLEAN, Hit, MessageFacts, Verdict
from .windows import Event, MemberWindows, duplicate_hit, mention_hit, rate_hit

EXCERPT = 120  # characters of evidence kept from a message
_DIGIT = re.compile("[0-9]").search


_NONE: dict = {}
_DEFAULT_SCOPE = Scope()


class EngineError(ValueError):
    """The section cannot be compiled; ``errors`` are ``(key path, message)`` pairs."""

    def __init__(self, errors: list[Error]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, p))}: {m}" for p, m in errors))
        self.errors = errors


def compile_errors(section: Mapping[str, Any]) -> list[Error]:
    """Every semantic problem of a policies section (invalid or costly regex, wildcard...)."""
    rules, errors = parse_rules(dict(section))
    for index, rule in enumerate(rules):
        for i, pattern in enumerate(rule.triggers.regex):
            reason = check_regex(pattern)
            if reason:
                errors.append((("rules", index, "triggers", "regex", i), reason))
    return errors


def _keys(ident: int | None, name: str) -> frozenset[str]:
    keys = {name.casefold()} if name else set()
    if ident is not None:
        keys.add(str(ident))
    return frozenset(keys)


class _Keys:
    """A message's channel, category and role keys (ids as text, names casefolded), lazily."""

    __slots__ = ("_m", "_channel", "_category", "_roles")

    def __init__(self, m: MessageFacts) -> None:
        self._m = m
        self._channel: frozenset[str] | None = None
        self._category: frozenset[str] | None = None
        self._roles: frozenset[str] | None = None

    @property
    def channel(self) -> frozenset[str]:
        if self._channel is None:
            self._channel = _keys(self._m.channel_id, self._m.channel_name)
        return self._channel

    @property
    def category(self) -> frozenset[str]:
        if self._category is None:
            self._category = _keys(self._m.category_id, self._m.category_name)
        return self._category

    @property
    def roles(self) -> frozenset[str]:
        if self._roles is None:
            m = self._m
            self._roles = frozenset(
                {str(r) for r in m.role_ids} | {n.casefold() for n in m.role_names}
            )
        return self._roles


class Engine:
    """A compiled policy. Immutable rules; the only mutable part is the member windows."""

    def __init__(self, rules: tuple[Rule, ...], version: int = 0) -> None:
        self.rules = rules
        self.version = version
        self.windows = MemberWindows()
        self.last_skeleton: str | None = None  # skeleton of the last evaluated text, if computed
        self.words = WordMatcher(
            (i, r.triggers.words, r.triggers.allow) for i, r in enumerate(rules) if r.triggers.words
        )
        self.regexes = RegexMatcher(
            (i, r.triggers.regex) for i, r in enumerate(rules) if r.triggers.regex
        )
        self._by_event = {
            event: tuple(i for i, r in enumerate(rules) if event in r.events)
            for event in ("message", "edit", "name")
        }
        self._stateful_rules = tuple(r.triggers.stateful for r in rules)
        self._stateful = any(self._stateful_rules)
        self._checks = tuple(content_checks.build(r.triggers) for r in rules)
        # Rules with the default scope only need the bot/staff test: skip in_scope for them.
        self._plain_scope = tuple(r.scope == _DEFAULT_SCOPE for r in rules)
        self._text_only = not self._stateful and not any(self._checks)
        self._all_plain = all(self._plain_scope)
        # Bound methods looked up once: the hot path calls them on every message.
        self._match_words = self.words.match if self.words.size else None
        self._match_set = self.regexes.match_bytes
        self._needs_skeleton = any(
            r.triggers.words or r.triggers.regex or r.triggers.duplicates or r.triggers.invites
            for r in rules
        )

    @classmethod
    def from_section(cls, section: Mapping[str, Any], version: int = 0) -> Engine:
        """Compile a policies section; raises :class:`EngineError` listing every problem."""
        errors = compile_errors(section)
        if errors:
            raise EngineError(errors)
        rules, _ = parse_rules(dict(section))
        return cls(rules, version)

    # -- scope ---------------------------------------------------------------------------

    @staticmethod
    def in_scope(scope: Scope, m: MessageFacts, now: float, keys: _Keys | None = None) -> bool:
        """Does a rule with this scope apply to this author in this channel?"""
        if m.is_bot and not scope.include_bots:
            return False
        if m.is_staff and not scope.include_staff:
            return False
        keys = keys or _Keys(m)
        if scope.channels or scope.categories or scope.exclude_channels or scope.exclude_categories:
            chan, cat = keys.channel, keys.category
            if (scope.channels or scope.categories) and not (
                chan & scope.channels or cat & scope.categories
            ):
                return False
            if chan & scope.exclude_channels or cat & scope.exclude_categories:
                return False
        if scope.exempt_roles or scope.required_roles:
            roles = keys.roles
            if roles & scope.exempt_roles:
                return False
            if scope.required_roles and not roles & scope.required_roles:
                return False
        if scope.account_younger_than is not None:
            if m.account_created is None or now - m.account_created >= scope.account_younger_than:
                return False
        if scope.joined_within is not None:
            if m.joined_at is None or now - m.joined_at >= scope.joined_within:
                return False
        return True

    # -- evaluation ----------------------------------------------------------------------

    def evaluate(
        self, m: MessageFacts, event: str = "message", now: float | None = None
    ) -> Verdict:
        """Run every rule of ``event`` (message, edit or name) on ``m``; never awaits."""
        self.last_skeleton = None
        candidates = self._by_event.get(event, ())
        if not candidates:
            return CLEAN
        now = m.created_at if now is None else now
        rules = self.rules
        if self._all_plain and not (m.is_bot or m.is_staff):
            active = candidates  # no rule has a scope to test for an ordinary member
        else:
            plain = self._plain_scope
            in_scope = self.in_scope
            skip = m.is_bot or m.is_staff
            keys = _Keys(m)  # channel, category and role keys computed once for all rules
            active = tuple(
                i
                for i in candidates
                if (plain[i] and not skip) or in_scope(rules[i].scope, m, now, keys)
            )
            if not active:
                return CLEAN
        content = m.content
        skeleton = normalize(content) if content and self._needs_skeleton else ""
        if skeleton:
            self.last_skeleton = skeleton  # the cog reuses it for spam waves (same call, no await)
        history = None
        if self._stateful and event == "message":
            digest = hash(skeleton) if skeleton else 0
            event_row = Event(now, m.channel_id, m.message_id, digest, m.mentions)
            history = self.windows.record(m.guild_id, m.author_id, event_row)
        word_hits = self._word_hits(content, skeleton) if skeleton and self._match_words else _NONE
        regex_hits = _NONE
        if content and self._match_set is not None:
            # One RE2 pass over raw and skeleton together; candidates are confirmed alone.
            found_set = self._match_set(
                (content + "\n\n" + skeleton).encode("utf-8", "surrogatepass")
            )
            if found_set:
                regex_hits = self._confirm_regex(found_set, content, skeleton)
        if self._text_only and not word_hits and not regex_hits:
            return CLEAN  # the common case: only word/regex rules, nothing matched
        found: list[tuple[int, str, str, list[Event]]] | None = None
        checks = self._checks
        stateful_rules = self._stateful_rules
        for i in active:
            hit: tuple[str, str] | None = None
            if i in word_hits:
                wh = word_hits[i]
                hit = ("words", skeleton[wh.start : wh.end])
            elif i in regex_hits:
                hit = ("regex", regex_hits[i])
            else:
                for check in checks[i]:
                    hit = check(m, content, skeleton)
                    if hit:
                        break
            if hit:
                found = found or []
                found.append((i, hit[0], hit[1], []))
            elif history is not None and stateful_rules[i]:
                stateful = self._stateful_hit(rules[i].triggers, history, now)
                if stateful:
                    found = found or []
                    found.append((i, stateful[0], stateful[1], stateful[2]))
        if not found:
            return CLEAN
        return self._verdict(found, content)

    def _word_hits(self, content: str, skeleton: str) -> dict:
        """Word hits, less those written only with digits: leetspeak reads "c0nn4rd" as a
        word, but "room 455" and "8008" are numbers, not "ass" or "boob"."""
        if _DIGIT(content) is None:
            return self.words.match(skeleton)
        marked: list[str] = []  # computed at the first candidate hit only

        def keep(start: int, end: int) -> bool:
            if not marked:
                marked.append(digit_skeleton(content))
            if len(marked[0]) != len(skeleton):
                return True  # cannot align: keep every hit
            return bool(marked[0][start:end].replace("0", "").replace(" ", ""))

        return self.words.match(skeleton, keep)

    def _regex_hits(self, raw: str, skeleton: str) -> dict[int, str]:
        """Rule index -> matched text, for every rule whose regexes match raw or skeleton."""
        return self._confirm_regex(self.regexes.candidates(raw + "\n\n" + skeleton), raw, skeleton)

    def _confirm_regex(self, candidates: list[int], raw: str, skeleton: str) -> dict[int, str]:
        # A match spanning the joint of raw and skeleton never counts: each candidate is run
        # again on the text(s) its rule asked for.
        regexes = self.regexes
        out: dict[int, str] = {}
        for index in candidates:
            rule = regexes.owner(index)
            if rule in out:
                continue
            on = self.rules[rule].triggers.regex_on
            texts = (raw, skeleton) if on == "both" else ((raw,) if on == "raw" else (skeleton,))
            for text in texts:
                span = regexes.span(index, text)
                if span:
                    out[rule] = text[span[0] : span[1]]
                    break
        return out

    def _content_hit(
        self, i: int, m: MessageFacts, skeleton: str, word_hits: dict, regex_hits: dict[int, str]
    ) -> tuple[str, str] | None:
        if i in word_hits:
            wh = word_hits[i]
            return "words", skeleton[wh.start : wh.end]
        if i in regex_hits:
            return "regex", regex_hits[i]
        for check in self._checks[i]:
            hit = check(m, m.content, skeleton)
            if hit:
                return hit
        return None

    @staticmethod
    def _stateful_hit(trig: Any, history: Any, now: float) -> tuple[str, str, list[Event]] | None:
        if trig.rate:
            events = rate_hit(history, now, trig.rate.amount, trig.rate.window)
            if events:
                return "rate", f"{len(events)} messages", events
        if trig.duplicates:
            w = trig.duplicates
            events = duplicate_hit(
                history, now, w.amount, w.window, trig.duplicates_across_channels
            )
            if events:
                return "duplicates", f"{len(events)} copies", events
        if trig.mentions_window:
            w = trig.mentions_window
            events = mention_hit(history, now, w.amount, w.window)
            if events:
                return "mentions", f"{sum(e.mentions for e in events)} mentions", events
        return None

    def _verdict(self, found: list[tuple[int, str, str, list[Event]]], content: str) -> Verdict:
        hits: list[Hit] = []
        actions: list[Action] = []
        points = 0
        related: dict[tuple[int, int], None] = {}
        for i, trigger, matched, events in found:
            rule = self.rules[i]
            hits.append(Hit(rule.name, trigger, matched, rule.enforced, rule.points))
            if rule.enforced:
                actions.extend(rule.actions)
                points += rule.points
                for e in events:
                    if e.message_id:
                        related[(e.channel_id, e.message_id)] = None
        return Verdict(
            hits=tuple(hits),
            plan=merge(actions),
            points=points,
            related=tuple(related),
            excerpt=content[:EXCERPT],
        )

    # -- explain -------------------------------------------------------------------------

    def explain(self, text: str) -> list[tuple[Hit, str]]:
        """For ``/policy test``: each content rule that would fire on ``text``, ignoring scope
        and history, with the part of the *original* text that matched."""
        facts = MessageFacts(0, 0, 0, text, time.time())
        skeleton, offsets = normalize_with_offsets(text)
        word_hits = self._word_hits(text, skeleton)
        regex_hits = self._regex_hits(text, skeleton) if self.regexes.size else {}
        out = []
        for i, rule in enumerate(self.rules):
            hit = self._content_hit(i, facts, skeleton, word_hits, regex_hits)
            if not hit:
                continue
            original = hit[1]
            if i in word_hits and offsets:
                wh = word_hits[i]
                original = text[offsets[wh.start] : offsets[wh.end - 1] + 1]
            out.append((Hit(rule.name, hit[0], hit[1], rule.enforced, rule.points), original))
        return out

    def recheck_invites(self, verdict: Verdict, m: MessageFacts) -> Verdict:
        """``verdict`` again once ``m.known_invites`` learnt who owns the message's invite
        codes: an invite of this server drops out, the next unknown code takes its place."""
        rule_index = {r.name: i for i, r in enumerate(self.rules)}
        skeleton = normalize(m.content) if m.content else ""
        hits: list[Hit] = []
        for hit in verdict.hits:
            i = rule_index.get(hit.rule)
            if hit.trigger == "invites" and i is not None:
                again = next(
                    filter(None, (c(m, m.content, skeleton) for c in self._checks[i])), None
                )
                if again is None:
                    continue
                hit = Hit(hit.rule, again[0], again[1], hit.enforced, hit.points)
            hits.append(hit)
        if hits == list(verdict.hits):
            return verdict
        if not hits:
            return CLEAN
        points = sum(h.points for h in hits if h.enforced)
        return Verdict(tuple(hits), self.plan_for(hits), points, verdict.related, verdict.excerpt)

    def plan_for(self, hits: list[Hit]) -> ActionPlan:
        """The merged plan the enforced rules among ``hits`` would run."""
        by_name = {r.name: r for r in self.rules}
        return merge(a for h in hits if h.enforced for a in by_name[h.rule].actions)
