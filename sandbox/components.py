"""Finding message components and building what a client sends back for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.models import Guild

if TYPE_CHECKING:
    from sandbox.sandbox import Sandbox


def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component, depth first (action rows, sections, containers, labels)."""
    out = []
    for comp in components:
        out.append(comp)
        out.extend(walk(comp.get("components") or []))
        if isinstance(comp.get("component"), dict):
            out.extend(walk([comp["component"]]))
        if isinstance(comp.get("accessory"), dict):
            out.extend(walk([comp["accessory"]]))
    return out


def find_component(
    components: list[dict[str, Any]], key: str, types: tuple[int, ...] = (2, 3, 5, 6, 7, 8)
) -> dict[str, Any] | None:
    """A component by custom_id, else by label/placeholder."""
    candidates = [c for c in walk(components) if c.get("type") in types]
    for comp in candidates:
        if comp.get("custom_id") == key:
            return comp
    for comp in candidates:
        if key in (comp.get("label"), comp.get("placeholder")):
            return comp
    return None


def resolve_select(
    sb: Sandbox, guild: Guild | None, menu: dict[str, Any], values: list[Any]
) -> dict[str, Any]:
    from sandbox.payloads import OptionBuilder

    kind = menu["type"]
    lo, hi = menu.get("min_values", 1), menu.get("max_values", 1)
    if not lo <= len(values) <= hi:
        raise ValueError(f"select {menu.get('custom_id')!r} takes {lo}..{hi} values")
    if kind == 3:
        allowed = {o["value"] for o in menu.get("options") or []}
        bad = [v for v in values if v not in allowed]
        if bad:
            raise ValueError(f"{bad} are not options of {menu.get('custom_id')!r}")
        return {"values": [str(v) for v in values]}
    builder = OptionBuilder(sb, guild)
    ids = []
    for value in values:
        if kind == 5:
            ids.append(builder.resolve_user(value))
        elif kind == 6:
            ids.append(builder.resolve_role(value))
        elif kind == 8:
            ids.append(builder.resolve_channel(value))
        else:
            try:
                ids.append(builder.resolve_role(value))
            except (KeyError, ValueError):
                ids.append(builder.resolve_user(value))
    return {"values": ids, "resolved": builder.resolved}


def _answer(comp: dict[str, Any], values: dict[str, Any]) -> dict[str, Any] | None:
    cid = str(comp.get("custom_id"))
    if comp["type"] == 4:
        value = str(values.get(cid, comp.get("value") or ""))
        if comp.get("required", True) and not value:
            raise ValueError(f"modal field {cid!r} is required")
        if comp.get("min_length") and value and len(value) < comp["min_length"]:
            raise ValueError(f"modal field {cid!r}: at least {comp['min_length']} characters")
        if comp.get("max_length") and len(value) > comp["max_length"]:
            raise ValueError(f"modal field {cid!r}: at most {comp['max_length']} characters")
        return {"type": 4, "custom_id": cid, "value": value}
    if comp["type"] in (3, 5, 6, 7, 8):
        chosen = values.get(cid, [])
        return {
            "type": comp["type"],
            "custom_id": cid,
            "values": [str(v) for v in (chosen if isinstance(chosen, list) else [chosen])],
        }
    return None


def modal_submission(
    components: list[dict[str, Any]], values: dict[str, Any]
) -> list[dict[str, Any]]:
    """The submitted components, mirroring the modal's rows and labels."""
    known = {c.get("custom_id") for c in walk(components)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"the modal has no field(s) {sorted(unknown)}")
    out: list[dict[str, Any]] = []
    for comp in components:
        if comp["type"] == 1:
            row = [a for a in (_answer(c, values) for c in comp.get("components") or []) if a]
            out.append({"type": 1, "components": row})
        elif comp["type"] == 18:
            inner = _answer(comp["component"], values)
            if inner:
                out.append({"type": 18, "id": comp.get("id", 0), "component": inner})
        else:
            answer = _answer(comp, values)
            if answer:
                out.append(answer)
    return out
