from cogs.analytics.watch import mentions, parse_feed

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Actus</title>
<item><guid>a1</guid><title>Vigie lance sa saison</title><link>http://x/1</link>
<description>&lt;p&gt;Un &lt;b&gt;article&lt;/b&gt;&lt;/p&gt;</description></item>
<item><guid>a2</guid><title>Les vigiles du port</title><link>http://x/2</link></item>
<item><title>Avis sur VIGIÉ et Acme</title><link>http://x/3</link></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
<entry><id>tag:x,2026:1</id><title>Acme review</title><link href="http://y/1"/>
<summary>Acme's new app</summary></entry></feed>"""


def test_rss_items_and_whole_word_accent_insensitive_matches():
    items = parse_feed(RSS)
    assert [item.title for item in items][0] == "Vigie lance sa saison"
    assert items[0].summary == "Un  article"
    found = mentions(items, ["Vigie", "Acme"])
    assert [m.item.link for m in found] == ["http://x/1", "http://x/3"]  # "vigiles" is not "vigie"
    assert found[1].keywords == ("Vigie", "Acme")


def test_atom_and_stable_keys():
    first, again = parse_feed(ATOM), parse_feed(ATOM)
    assert first[0].key == again[0].key
    assert first[0].feed_title == "Blog"
    assert mentions(first, ["acme"])[0].keywords == ("acme",)


def test_garbage_and_empty_keywords():
    assert parse_feed(b"not a feed at all") == []
    assert mentions(parse_feed(RSS), ["", "  "]) == []
