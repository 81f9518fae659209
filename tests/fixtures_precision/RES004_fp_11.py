# From aider-chat 0.86.2, aider/linter.py:151 and aider/utils.py:217; open-interpreter 0.4.3,
# interpreter/terminal_interface/local_setup.py:169, interpreter/core/computer/terminal/languages/java.py:60
# local tools on local files: a linter, ensurepip (bundled wheels), chmod, a compiler (review tier).
import subprocess
import sys


def lint(rel_fname, root):
    flake8_cmd = [sys.executable, "-m", "flake8", "--select=E9", "--isolated", rel_fname]
    return subprocess.run(flake8_cmd, capture_output=True, text=True, check=False, cwd=root)


def ensure_pip():
    subprocess.run([sys.executable, "-m", "ensurepip"], capture_output=True, check=False)


def make_executable(model_path):
    subprocess.run(["chmod", "+x", model_path], check=True)


def compile_java(file_name):
    p = subprocess.Popen(["javac", file_name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.communicate()
