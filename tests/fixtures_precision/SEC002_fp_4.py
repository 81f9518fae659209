# From open-interpreter 0.4.3, interpreter/core/utils/scan_code.py:40.
# The interpolated directory and file name are those of a temporary file the program just wrote.
import os
import subprocess
import tempfile


def scan_code(code: str, extension: str):
    with tempfile.NamedTemporaryFile("w", suffix=extension, delete=False) as f:
        f.write(code)
    temp_path = os.path.dirname(f.name)
    file_name = os.path.basename(f.name)
    scan = subprocess.run(f"cd {temp_path} && semgrep scan --config auto --quiet --error {file_name}",
                          shell=True)
    return scan.returncode
