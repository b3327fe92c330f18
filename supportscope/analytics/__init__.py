"""Usage counters for the admins who keep the tree: aggregated from the start, no person in them.

* ``counting``: what one request counts (plain functions over the compiled tree) and the
  per-process tally in memory;
* ``flushing``: the tally written to the database by one additive upsert, from a
  background thread every ``FLUSH_SECONDS``, and at shutdown; retention;
* ``middleware``: counts triage page views, cache hits included, with no query;
* ``views``: the "did this answer the ticket?" POST and the proposals' confirmation;
* ``report`` and ``admin``: the staff dashboard, its SVG charts and CSV export.
"""
