"""How right spinscope was on the user's own reviewed articles, and what it learns from them.

``spinscope review report`` (:mod:`.report`) measures the model against a reviewer's corrections
(precision with Wilson intervals, misses per threshold, reliability, agreement between two
reviewers); ``spinscope review export`` (:mod:`.export`) writes the corrected articles in the PTC,
brat and JSONL formats that ``ptc score``, ``train calibrate --extra`` and ``train … --extra``
read. Both read the store only through :mod:`spinscope.store.review`.
"""
