"""Foundation e2e: ``python -m bot sandbox`` plays its scene in-process and exits 0."""

from __future__ import annotations

import io

from bot.scene import play_scene, scene_modules


async def test_scene_plays_to_the_end_with_a_transcript():
    out = io.StringIO()
    assert await play_scene(out=out) == 0, out.getvalue()
    transcript = out.getvalue()
    assert "!! the" not in transcript, transcript
    # The admin part: what members did and what Vigie answered, as Discord saw it.
    assert "maya used /config show" in transcript
    assert "maya used /config set key:timezone value:Europe/Paris" in transcript
    assert "Vigie replied (only they see it): `timezone` is now `Europe/Paris`" in transcript
    assert "alice used /privacy mine" in transcript
    assert "[file: vigie-" in transcript
    assert "Vigie in #modlog: @maya set `timezone`" in transcript
    assert transcript.rstrip().endswith("== End of the scene")


def test_scenes_are_discovered_in_order():
    modules = scene_modules()
    names = [m.__name__ for m in modules]
    assert "cogs.admin.scene" in names
    orders = [getattr(m, "ORDER", 100) for m in modules]
    assert orders == sorted(orders)
