# From datasette 0.65.5, datasette/publish/cloudrun.py:253, 269 and 281.
# `datasette publish cloudrun`: shell commands built from the user's own CLI options in a command
# the user runs; there is no trust boundary.
from subprocess import CalledProcessError, check_call

import click


def _ensure_artifact_registry(artifact_project, artifact_region, artifact_repository):
    enable_cmd = (
        "gcloud services enable artifactregistry.googleapis.com "
        f"--project {artifact_project} --quiet"
    )
    check_call(enable_cmd, shell=True)
    describe_cmd = (
        "gcloud artifacts repositories describe {repo} --project {project} "
        "--location {location} --quiet"
    ).format(repo=artifact_repository, project=artifact_project, location=artifact_region)
    try:
        check_call(describe_cmd, shell=True)
    except CalledProcessError:
        create_cmd = (
            "gcloud artifacts repositories create {repo} --repository-format=docker "
            '--location {location} --project {project} --description "Datasette Cloud Run images" --quiet'
        ).format(repo=artifact_repository, location=artifact_region, project=artifact_project)
        check_call(create_cmd, shell=True)
        click.echo(f"Created Artifact Registry repository '{artifact_repository}'")
