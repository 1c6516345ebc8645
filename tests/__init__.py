"""The test package. Before any test module imports config/: its default instance folder (read
from GRIDWALK_INSTANCE at import, and created when an app starts) is a temporary one, so no test
writes into the checkout's instance/."""

import atexit
import os
import shutil
import tempfile

os.environ["GRIDWALK_INSTANCE"] = tempfile.mkdtemp(prefix="gridwalk-test-instance-")
atexit.register(shutil.rmtree, os.environ["GRIDWALK_INSTANCE"], ignore_errors=True)
