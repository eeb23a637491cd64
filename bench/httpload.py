"""HTTP load for the API benches: open loop at a fixed rate, and closed loop at saturation.

Raw HTTP/1.1 over asyncio (no client library between the bench and the socket); connections
are kept alive when the server allows it (gthread), opened again when it closes them (sync).

- `open_loop`: request i is due at t0 + i/rate whatever the earlier answers; its latency runs
  from its due time (queueing included: no coordinated omission).
- `closed_loop`: `connections` clients each send the next request as soon as the previous
  answer arrived, for `seconds`: the server's throughput at saturation.
- `throughput_ratio`: closed loop on GET /health/ (no database, no authentication: the
  server's floor), on the requests measured, then /health/ again: the ratio of the two.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

HEALTH = b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def get_request(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def post_request(path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass
class Answer:
    index: int
    status: int  # 0: transport error
    body: bytes
    latency: float  # ms from due time (open loop) or from sending (closed loop)
    service: float  # ms from writing the request


class _Connections:
    def __init__(self, port: int):
        self.port = port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.opened = 0

    async def exchange(self, payload: bytes) -> tuple[int, bytes]:
        for attempt in range(2):
            reused = bool(self.idle) and attempt == 0
            if reused:
                conn = self.idle.pop()
            else:
                conn = await asyncio.open_connection("127.0.0.1", self.port)
                self.opened += 1
            reader, writer = conn
            try:
                writer.write(payload)
                header = await reader.readuntil(b"\r\n\r\n")
            except (OSError, asyncio.IncompleteReadError):
                writer.close()
                if reused:
                    continue  # the server closed a kept-alive connection: once more, fresh
                raise
            lines = header.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            length, close = 0, False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            body = await reader.readexactly(length) if length else b""
            if close:
                writer.close()
            else:
                self.idle.append(conn)
            return status, body
        raise OSError("no connection")

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


async def _open_loop(
    port: int, requests: Sequence[bytes], rate: float, max_connections: int
) -> tuple[list[Answer], float]:
    loop = asyncio.get_running_loop()
    pool = _Connections(port)
    slots = asyncio.Semaphore(max_connections)
    answers: list[Answer] = []

    async def one(i: int, payload: bytes, due: float) -> None:
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        async with slots:
            sent = loop.time()
            try:
                status, body = await asyncio.wait_for(pool.exchange(payload), 10)
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                status, body = 0, b""
            done = loop.time()
        answers.append(Answer(i, status, body, (done - due) * 1000, (done - sent) * 1000))

    t0 = loop.time() + 0.1
    tasks = [asyncio.create_task(one(i, p, t0 + i / rate)) for i, p in enumerate(requests)]
    await asyncio.gather(*tasks)
    pool.close()
    return answers, loop.time() - t0


def open_loop(
    port: int, requests: Sequence[bytes], *, rate: float, max_connections: int = 64
) -> tuple[list[Answer], float]:
    """Answers (in completion order) and the elapsed seconds from the first due time."""
    return asyncio.run(_open_loop(port, requests, rate, max_connections))


async def _closed_loop(
    port: int, request_for: Callable[[int], bytes], connections: int, seconds: float
) -> tuple[int, Counter, float]:
    loop = asyncio.get_running_loop()
    statuses: Counter = Counter()
    counter = iter(range(10**9))
    deadline = loop.time() + seconds

    async def client() -> None:
        pool = _Connections(port)
        while loop.time() < deadline:
            try:
                status, _ = await asyncio.wait_for(pool.exchange(request_for(next(counter))), 10)
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                status = 0
            statuses[status] += 1
        pool.close()

    started = loop.time()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = loop.time() - started
    return sum(statuses.values()), statuses, elapsed


def closed_loop(
    port: int, request_for: Callable[[int], bytes], *, connections: int = 4, seconds: float = 10
) -> tuple[float, Counter]:
    """Answers per second at saturation, and the answers by status."""
    count, statuses, elapsed = asyncio.run(_closed_loop(port, request_for, connections, seconds))
    return count / elapsed, statuses


def throughput_ratio(
    port: int,
    request_for: Callable[[int], bytes],
    *,
    label: str,
    connections: int = 4,
    seconds: float = 10,
) -> tuple[float, str]:
    """GET /health/, the measured requests, GET /health/ again, each in closed loop: the ratio
    of the measured throughput to the mean of the two floors, and the lines that report it."""
    before, _ = closed_loop(port, lambda i: HEALTH, connections=connections, seconds=seconds)
    measured, statuses = closed_loop(port, request_for, connections=connections, seconds=seconds)
    time.sleep(0.2)
    after, _ = closed_loop(port, lambda i: HEALTH, connections=connections, seconds=seconds)
    floor = (before + after) / 2
    ratio = measured / floor if floor else float("nan")
    codes = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
    text = "\n".join(
        [
            f"throughput at saturation (closed loop, {connections} connections, "
            f"{seconds:g} s each, in this order):",
            f"  GET /health/ (floor)     {before:8.1f} calls/s",
            f"  {label:<24} {measured:8.1f} calls/s   (status {codes})",
            f"  GET /health/ (floor)     {after:8.1f} calls/s",
            f"ratio to the floor (throughput at saturation): {ratio:.2f}× (target ≥ 0.5×)",
        ]
    )
    return ratio, text
