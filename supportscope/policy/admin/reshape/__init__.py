"""Reshaping the tree in guided, checked steps: thin views over ``editing.reshaping``.

Each step is a form that builds one change of records. Opened from a draft
(``?draft=<id>``), the step goes into the draft; otherwise it is checked, its verdict
changes shown for confirmation, and published as one revision (``steps``).

* ``steps``: what every step shares: where it starts, running it, its page, its redirect;
* ``answers``: add an answer with its verdict, retire an answer;
* ``follow_up``: a follow-up question asked on one path, with its answers and verdicts;
* ``clauses``: from a clause's page, move it within its section or cite it in verdicts.
"""
