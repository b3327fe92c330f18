"""The pure core: the policy engine, the ticket reader and suggester, the vocabulary,
the content reader and the Markdown renderer.

Nothing here imports Django or any other part of SupportScope; a module here imports
only the standard library, other modules of ``supportscope.core`` and plain libraries
(``markdown``, ``nh3``). ``tests/test_core_purity.py`` fails otherwise. See
docs/architecture.md.
"""
