"""The embedded default for `make run`: SQLite, filesystem broker, debug on."""

import os

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# `make run` serves on RUN_ADDR (or 127.0.0.1:$PORT); links in emails and the website feed
# point at the address actually served unless PUBLIC_BASE_URL says otherwise (issue 13).
_run_addr = os.environ.get("RUN_ADDR", "").strip()
_port = os.environ.get("PORT", "").strip() or "8000"
RUN_ADDR = _run_addr if ":" in _run_addr else f"127.0.0.1:{_run_addr or _port}"
# Bound to every interface: links name this machine's loopback (set PUBLIC_BASE_URL for
# others on the network).
_link_addr = RUN_ADDR.replace("0.0.0.0:", "127.0.0.1:", 1)
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip() or f"http://{_link_addr}"
_served_host = RUN_ADDR.rsplit(":", 1)[0] or "127.0.0.1"
if _served_host not in ALLOWED_HOSTS and _served_host != "0.0.0.0":
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, _served_host]
