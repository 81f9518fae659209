# From datasette 0.65.5, datasette/publish/heroku.py:78 (foreground install the user confirmed and watches)
import subprocess

import click


@click.command()
def publish():
    if click.confirm("Install the heroku-builds plugin?"):
        subprocess.call(["heroku", "plugins:install", "heroku-builds"])
