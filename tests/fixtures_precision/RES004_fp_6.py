# From open-interpreter 0.4.3, interpreter/core/utils/scan_code.py:38 (review tier)
# A foreground scan under a terminal spinner the user watches, stdio inherited.
import subprocess

from yaspin import yaspin


def scan(temp_path, file_name):
    with yaspin(text="  Scanning code...").green.right.binary:
        return subprocess.run(f"cd {temp_path} && semgrep scan --config auto --quiet --error {file_name}", shell=True)
