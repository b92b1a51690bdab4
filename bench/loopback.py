"""run.py's only network code: gunicorn on 127.0.0.1, and signed-in browsers that talk to it.

run.py measures pages through it and mixed.py reads and writes through it. HOST is the one
address either ever contacts, so that promise is kept in this file alone.
"""

import http.client
import os
import random
import re
import signal
import socket
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import common

# A form as a browser sends it: a field checked more than once (checkboxes) has a list.
Form = dict[str, str | list[str]]

HOST = "127.0.0.1"  # the only address run.py and mixed.py ever send anything to


class Session:
    """A signed-in browser: cookies and CSRF handled with http.client, one connection a request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        form: Form | None = None,
        *,
        multipart: bool = False,
    ) -> tuple[int, dict[str, str], bytes]:
        if not path.startswith("/"):
            raise ValueError(f"Only paths on {HOST} are requested, not {path}")
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body: str | bytes | None = None
        if form is not None and multipart:
            body, headers["Content-Type"] = multipart_body(form)
        elif form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers.items()), content
        finally:
            connection.close()

    def csrf_form(self, path: str) -> str:
        status, _headers, content = self.request("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path} gave {status} without a CSRF token")
        return match.group(1).decode()

    def sign_in(self, email: str, password: str, totp_key: str | None = None) -> None:
        token = self.csrf_form("/account/sign-in/")
        status, headers, _ = self.request(
            "POST",
            "/account/sign-in/",
            {"csrfmiddlewaretoken": token, "email": email, "password": password},
        )
        if status != 302:
            raise RuntimeError(f"Signing in as {email} gave {status}, not a redirect")
        if totp_key is not None:
            self.two_factor(email, totp_key)
        status, headers, _ = self.request("GET", "/register/")
        if status != 200:
            raise RuntimeError(f"{email} is not signed in: the dashboard gave {status}")

    def two_factor(self, email: str, totp_key: str) -> None:
        from django_otp.oath import TOTP

        # A code cannot be used twice: if the current one was (a run moments ago), use the next;
        # if that was too (two sign-ins within one 30-second step), wait for a fresh step.
        for attempt in range(3):
            for drift in (0, 1):
                totp = TOTP(bytes.fromhex(totp_key), drift=drift)
                token = self.csrf_form("/account/two-factor/")
                status, _h, _c = self.request(
                    "POST",
                    "/account/two-factor/",
                    {"csrfmiddlewaretoken": token, "token": f"{totp.token():06d}"},
                )
                if status == 302:
                    return
            if attempt < 2:
                time.sleep(totp.step - time.time() % totp.step + 0.5)
        raise RuntimeError(f"Two-factor sign-in failed for {email}")


def multipart_body(form: Form) -> tuple[bytes, str]:
    """The form encoded as a browser sends a form with enctype="multipart/form-data"."""
    boundary = f"----bench{random.getrandbits(64):016x}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, values in form.items()
        for value in ([values] if isinstance(values, str) else values)
    ]
    body = "".join(parts) + f"--{boundary}--\r\n"
    return body.encode(), f"multipart/form-data; boundary={boundary}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn in its own process group, stopped with the group whatever happens."""

    def __init__(self, url: str, workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        env = {**os.environ, **common.server_env(url)}
        command = [
            str(common.ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"{HOST}:{self.port}",
            "-w",
            str(workers),
            "--error-logfile",
            str(log),
        ]
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                command,
                cwd=common.ROOT,
                env=env,
                start_new_session=True,
                stdout=output,
                stderr=output,
            )

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log}"
                )
            try:
                status, _h, _c = Session(self.port).request("GET", "/account/sign-in/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f}s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def serving(url: str, workers: int) -> Server:
    """gunicorn on a free loopback port, answering; the caller stops it."""
    log = common.RESULTS / f"{common.database_label(url)}.gunicorn.log"
    server = Server(url, workers, log)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


def error_summary(content: bytes) -> str:
    """The messages in the page's GOV.UK error summary, to say why a form was refused."""
    summary = re.search(rb'govuk-error-summary__list">(.*?)</ul>', content, re.DOTALL)
    if not summary:
        return ""
    text = re.sub(rb"<[^>]+>", b" ", summary.group(1)).decode(errors="replace")
    return " ".join(text.split())[:200]
