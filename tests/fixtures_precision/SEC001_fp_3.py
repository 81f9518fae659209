# From aider-chat 0.86.2, aider/main.py:524-525.
# Verification is switched off only under the user's explicit `--no-verify-ssl` flag.
import argparse
import os

import httpx


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--verify-ssl", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args(argv)
    if not args.verify_ssl:
        os.environ["SSL_VERIFY"] = ""
        client_session = httpx.Client(verify=False)
        aclient_session = httpx.AsyncClient(verify=False)
        return client_session, aclient_session
    return None
