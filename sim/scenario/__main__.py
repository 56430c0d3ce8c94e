"""Write the parameter reference: ``python -m sim.scenario > docs/parameters.md``."""

import sys

from sim.scenario.reference import main

sys.exit(main())
