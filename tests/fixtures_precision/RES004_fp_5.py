# From open-interpreter 0.4.3, interpreter/core/computer/terminal/terminal.py:61 (review tier)
# An interactive install: the function asks the person at the terminal for their sudo password;
# they watch the install and can interrupt it, and a timeout would cut a legitimate slow install.
import getpass
import subprocess


def sudo_install(package):
    try:
        subprocess.run(["apt", "install", "-y", package], check=True)
    except subprocess.CalledProcessError:
        sudo_password = getpass.getpass("Enter sudo password: ")
        subprocess.run(["sudo", "-S", "apt", "install", "-y", package], input=sudo_password.encode(), check=True)
