"""Outlets: from the input, else the URL's domain (also for stores made before 0005)."""

from __future__ import annotations

from spinscope.document import Span
from spinscope.store import Store, stats
from spinscope.store.engine import migrate
from spinscope.store.stats import stats_from_spans
from stores import make_doc


def test_outlet_falls_back_to_the_url_domain(store: Store) -> None:
    from spinscope.store.store import domain_of

    assert domain_of("https://www.RT.com/news/1?x=2") == "rt.com"
    assert domain_of("javascript:alert(1)") is None and domain_of("file:///etc/passwd") is None
    store.add(make_doc("One body text here.", outlet=None, url="https://www.rt.com/news/1"))
    store.add(
        make_doc("Two body text here.", outlet=" Sputnik\nNews ", url="https://sputnik.example")
    )
    store.add(make_doc("Three body text.", outlet=None, url=None))
    assert sorted(i.outlet or "-" for i in store.search().items) == ["-", "Sputnik News", "rt.com"]


def test_migration_0005_gives_old_documents_their_domain(store: Store) -> None:
    doc = make_doc("One body text here.", outlet=None, url="https://www.rt.com/news/1")
    doc.set_layer("techniques", [Span(len("A title") + 2, len("A title") + 5, "Doubt", {})])
    store.add(doc)
    migrate(store.engine, "0004", downgrade=True)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE documents SET outlet_seq = NULL")
        conn.exec_driver_sql("UPDATE stat_counts SET grp = '(unknown)' WHERE dimension = 'outlet'")
    migrate(store.engine)
    assert store.search().items[0].outlet == "rt.com"
    assert [r.group for r in stats(store, "outlet")] == ["rt.com"]
    assert stats(store, "outlet") == stats_from_spans(store, "outlet")
