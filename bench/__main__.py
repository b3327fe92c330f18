"""``python -m bench``: the benchmark, the soak (``--soak``) or the outage drill (``--outage``).

This entry point is the one module that knows every mode: ``bench.outage`` builds on
``bench.run``, so ``bench.run`` is handed the drill instead of importing it back.
"""

import sys

from bench.outage import outage
from bench.run import main

sys.exit(main(outage=outage))
