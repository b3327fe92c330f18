"""The languages SupportScope is served in: the one list, pure Python (no Django).

Every other place (settings, the policy files, the API, the serialiser, the engine's
texts) takes its codes from here; adding a language starts with this tuple.
"""

from __future__ import annotations

# (code, the language's name in itself), in the order the UI offers them.
LANGUAGES: tuple[tuple[str, str], ...] = (("en", "English"), ("ko", "한국어"))
CODES: tuple[str, ...] = tuple(code for code, _name in LANGUAGES)
DEFAULT = CODES[0]
