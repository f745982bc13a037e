"""The test run's settings: the embedded defaults, with DEBUG on as ``make run`` sets it.

DEBUG is off unless the environment turns it on (production must never start in debug by omission),
and pytest-django imports the settings before any conftest runs, so the variable is set here. A test
that needs production settings starts a subprocess with its own environment (test_deployment_config).
"""

import os

os.environ.setdefault("DEBUG", "1")

from association.settings import *  # noqa: E402, F403
