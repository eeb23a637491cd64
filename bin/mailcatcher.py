#!/usr/bin/env python3
"""A local mail catcher for the full stack (`make stack`, docker-compose's `mail` service).

Accepts every message over SMTP (no authentication, no relay) and writes each one, as received,
to its own file in a directory; lists them over HTTP as JSON. Not part of the portal's code: it
imports nothing from it and runs only where e-mails must not leave the machine.

    MAILCATCHER_SMTP  host:port to accept SMTP on      (default 127.0.0.1:1025)
    MAILCATCHER_HTTP  host:port of the listing          (default 127.0.0.1:8025; empty: none)
    MAILCATCHER_DIR   where each message is written     (default var/stack/mail)

    GET /           JSON list: file, from, to, subject, message_id, received (oldest first)
    GET /<file>     the message as received (message/rfc822)
"""

import itertools
import json
import logging
import os
import signal
import sys
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller


def _host_port(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


class Catcher:
    """aiosmtpd handler: one file per message, written whole before the 250 reply."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{next(self.counter):06d}.eml"
        temporary = self.directory / f".{name}.tmp"
        temporary.write_bytes(envelope.original_content or envelope.content)
        temporary.rename(self.directory / name)  # readers never see half a message
        print(f"mail: {name} from {envelope.mail_from} to {', '.join(envelope.rcpt_tos)}")
        return "250 Message accepted for delivery"


def listing(directory: Path) -> list[dict]:
    """What the HTTP listing returns: headers of every message, oldest first."""
    items = []
    for path in sorted(directory.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        items.append(
            {
                "file": path.name,
                "from": str(message.get("From", "")),
                "to": str(message.get("To", "")),
                "subject": str(message.get("Subject", "")),
                "message_id": str(message.get("Message-ID", "")),
                "received": path.stat().st_mtime,
            }
        )
    return items


def http_handler(directory: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            name = self.path.strip("/")
            if not name:
                body = json.dumps(listing(directory), ensure_ascii=False, indent=1).encode()
                return self._answer(200, "application/json; charset=utf-8", body)
            path = directory / name
            if "/" in name or not name.endswith(".eml") or not path.is_file():
                return self._answer(404, "text/plain", b"not found\n")
            return self._answer(200, "message/rfc822", path.read_bytes())

        def _answer(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
            pass

    return Handler


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    directory = Path(os.environ.get("MAILCATCHER_DIR", "var/stack/mail"))
    directory.mkdir(parents=True, exist_ok=True)
    smtp_host, smtp_port = _host_port(os.environ.get("MAILCATCHER_SMTP", "127.0.0.1:1025"))
    controller = Controller(Catcher(directory), hostname=smtp_host, port=smtp_port)
    controller.start()
    print(f"mail: SMTP on {smtp_host}:{smtp_port}, one file per message in {directory}/")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server = None
    if http := os.environ.get("MAILCATCHER_HTTP", "127.0.0.1:8025"):
        server = ThreadingHTTPServer(_host_port(http), http_handler(directory))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"mail: listing on http://{http}/")
    stop.wait()
    if server is not None:
        server.shutdown()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
