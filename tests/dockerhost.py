"""The Docker daemon and test image shared by the Docker tests.

No registry is reachable in CI, so the test image is empty (imported from an empty tar)
and this machine's Python and package are mounted into it read-only (`host_python`).
"""

from __future__ import annotations

import io
import tarfile

IMAGE = "autograder-test-host:latest"


def docker_client():
    """A client of a daemon that answers, or None."""
    try:
        import docker

        client = docker.from_env(timeout=30)
        client.ping()
        return client
    except Exception:  # noqa: BLE001 - no SDK, no daemon, no permission: no Docker tests
        return None


def import_test_image(client) -> str:
    empty = io.BytesIO()
    tarfile.open(fileobj=empty, mode="w").close()
    client.api.import_image_from_data(empty.getvalue(), repository=IMAGE.split(":")[0], tag="latest")
    return IMAGE


def docker_settings(grader_toml: str, image: str = IMAGE, prestart: int = 1) -> str:
    """grader.toml's text with the docker backend on the test image."""
    return grader_toml.replace(
        'backend = "local"', f'backend = "docker"\nimage = "{image}"\nhost_python = true\nprestart = {prestart}')
