"""What both recorders need of the Terraform binary: its environment, its error lines, its version."""

import json
import os
import re
import shutil
import subprocess
import sys

# No CLI configuration, no update check, no interactive hints: the same answers on every machine.
ENV = dict(os.environ, TF_CLI_CONFIG_FILE="/dev/null", CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
# The summary line of each diagnostic Terraform prints with -no-color.
ERROR = re.compile(r"^Error: (.*)$", re.M)


def require():
    """Stops with a message where Terraform is not installed."""
    if shutil.which("terraform") is None:
        sys.exit("terraform is not on PATH: the fixtures can only be recorded where Terraform is installed")


def version():
    """The installed Terraform's version, as the fixtures record it."""
    out = subprocess.run(["terraform", "version", "-json"], capture_output=True, text=True, env=ENV, check=True)
    return json.loads(out.stdout)["terraform_version"]
