"""`oidc_provider`: a real OpenID Connect provider on a free loopback port, for the tests.

Started once per test session in its own process (a Django project of its own cannot share
this one's settings); each test sets the scenario it needs. Import the fixture into a test
module to use it.
"""

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

ROOT = Path(__file__).resolve().parent.parent.parent
START_TIMEOUT_SECONDS = 60


@dataclass
class Provider:
    port: int

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/o"

    def scenario(self, **scenario: object) -> dict[str, object]:
        """Who signs in next and how (tests/oidc_provider/views.py DEFAULT_SCENARIO)."""
        request = urllib.request.Request(  # noqa: S310 - loopback http only
            f"http://127.0.0.1:{self.port}/test/scenario",
            data=json.dumps(scenario).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    directory = tmp_path_factory.mktemp("oidc-provider")
    database = directory / "provider.sqlite3"
    errors = (directory / "stderr.txt").open("w")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(database),
    }
    process = subprocess.Popen(  # noqa: S603 - our own module, with this interpreter
        [sys.executable, "-m", "tests.oidc_provider.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=errors,  # a file, not a pipe: nothing must wait for it to be read
        text=True,
    )
    try:
        line = _first_line(process, directory / "stderr.txt")
        yield Provider(port=int(line))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        errors.close()


def _first_line(process: subprocess.Popen[str], errors: Path) -> str:
    """The port the provider printed, or a failure carrying what it wrote to stderr."""
    import selectors

    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if selector.select(timeout=START_TIMEOUT_SECONDS):
            line = process.stdout.readline().strip()
            if line.isdigit():
                return line
    process.kill()
    process.wait()
    raise RuntimeError(f"The test OpenID Connect provider did not start:\n{errors.read_text()}")
