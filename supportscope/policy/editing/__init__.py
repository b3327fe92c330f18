"""Editing the policy: plain functions with explicit arguments and results.

The admin is a thin shell over these; they are tested without it. Nothing is passed
through the request or through attributes on exceptions.

* ``checks``: what every change must pass (the tree compiles, citations resolve, no
  duplicate keys or positions) and the refusals that say why a change waits or stops;
* ``live``: changing the live policy, always as one checked, confirmed revision: a change
  written row by row (``save``, ``restore``) or a whole set of records
  (``publish_records``, ``rollback_revision``);
* ``drafts``: a copy of the policy edited apart from the live one, then rebased (a
  three-way merge), published, discarded or scheduled;
* ``reshaping``: changes of a set of records, records in and records out, with no
  database: the guided steps (add an answer or a follow-up question, retire an answer,
  move or cite a clause) and setting or deleting one record.
"""
