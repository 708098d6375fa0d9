"""Faults for the fault runs (issue 16): a private Redis that can be killed and started
again on the same port (the machine's Redis is shared, so it is never stopped), and the
settings that shorten the sweeps' deadlines to seconds for a worker with beat."""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from rest_framework.test import APIClient

from backend.accounts.models import Device, Role, User
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from moderation.models import Post
from tests.conftest import signed_in
from tests.factories import SchoolFactory, member

#: A worker with beat that sweeps every two seconds and takes work as lost after a few:
#: the production deadlines (minutes) scaled down, the same code paths.
FAST_SWEEPS = {
    "SWEEP_SECONDS": "2",
    "SWEEP_CHECKS_LOST_AFTER_SECONDS": "6",
    "SWEEP_RELEASE_LOST_AFTER_SECONDS": "4",
    "PUBLISHERS_REQUEUE_GRACE_SECONDS": "4",
    # 6 s: far above a publish call to the local fake, so only a dead attempt is "stuck".
    "PUBLISHERS_STUCK_AFTER_MINUTES": "0.1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    """``redis-server`` on a port of its own, without persistence: killed, it comes back
    empty, as a crashed broker without a disk would (the harshest case)."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.log_path = tmp_path / f"redis-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.log_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


@dataclass(frozen=True)
class Staff:
    """A school with a teacher, a head teacher and an enrolled tablet."""

    teacher: User
    head: User
    tablet: Device
    token: str

    def on_tablet(self, user: User) -> APIClient:
        client = signed_in(user)
        client.credentials(HTTP_X_DEVICE_TOKEN=self.token)
        return client


def oakfield_staff() -> Staff:
    school = SchoolFactory(slug="oakfield", name="Oakfield Primary")
    teacher = member(school, Role.STAFF, email="teacher@oakfield.test")
    head = member(school, Role.LEADER, Role.STAFF, email="head@oakfield.test")
    tablet, token = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    return Staff(teacher=teacher, head=head, tablet=tablet, token=token)


def approve(client: APIClient, post: Post) -> Any:
    return client.post(
        f"/api/posts/{post.pk}/approve",
        {"content_hash": post.content_hash, "confirmed_images": []},
        format="json",
    )
