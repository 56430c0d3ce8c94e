"""``python -m sim.report FOLDER [--lang id]``: rewrite a results folder's report and figures."""

import sys

from sim.report.cli import main

sys.exit(main())
