"""A TCP proxy that plays a bad network between a device and the hub, on 127.0.0.1.

It shapes the link (round-trip time, bandwidth) and injects faults, one per new connection,
in the order queued: drop before the request, drop mid-upload, drop after the hub answered but
before the device reads the answer, reset, delay. Used by the fault tests and the sync
benchmark; runs its own asyncio loop in a thread.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import enum
import socket
import struct
import threading
from dataclasses import dataclass
from types import TracebackType

CHUNK = 16 * 1024


class Fault(enum.Enum):
    DROP_BEFORE_REQUEST = "drop_before_request"
    DROP_MID_UPLOAD = "drop_mid_upload"
    DROP_BEFORE_RESPONSE = "drop_before_response"  # the hub has committed and answered
    RESET = "reset"
    DELAY = "delay"  # hold the connection for `delay_seconds`, then pass it through


@dataclass(frozen=True, slots=True)
class LinkShape:
    rtt_ms: float = 0.0
    bandwidth_bps: float = 0.0  # 0: unlimited

    @property
    def one_way(self) -> float:
        return self.rtt_ms / 2000.0


class FaultyLink:
    def __init__(
        self,
        target_port: int,
        *,
        shape: LinkShape | None = None,
        delay_seconds: float = 2.0,
        mid_upload_bytes: int = 1500,
    ) -> None:
        self.target_port = target_port
        self.shape = shape or LinkShape()
        self.delay_seconds = delay_seconds
        self.mid_upload_bytes = mid_upload_bytes
        self.faults: collections.deque[Fault] = collections.deque()
        self.bytes_up = self.bytes_down = self.connections = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def inject(self, *faults: Fault) -> None:
        self._loop.call_soon_threadsafe(self.faults.extend, faults)

    def __enter__(self) -> FaultyLink:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        # connections accepted while we cancel start new tasks: repeat until none is left
        while tasks := [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        self.connections += 1
        fault = self.faults.popleft() if self.faults else None
        if fault is Fault.DROP_BEFORE_REQUEST:
            client_writer.close()
            return
        if fault is Fault.RESET:
            sock = client_writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client_writer.close()
            return
        if fault is Fault.DELAY:
            await asyncio.sleep(self.delay_seconds)
        try:
            hub_reader, hub_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.close()
            return
        upload_limit = self.mid_upload_bytes if fault is Fault.DROP_MID_UPLOAD else None
        cut_on_answer = fault is Fault.DROP_BEFORE_RESPONSE
        writers = (client_writer, hub_writer)
        with contextlib.suppress(asyncio.CancelledError):  # the proxy is shutting down
            await asyncio.gather(
                self._pump(client_reader, hub_writer, writers, "up", limit=upload_limit),
                self._pump(hub_reader, client_writer, writers, "down", cut=cut_on_answer),
                return_exceptions=True,
            )

    async def _pump(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        both: tuple[asyncio.StreamWriter, ...],
        direction: str,
        *,
        limit: int | None = None,
        cut: bool = False,
    ) -> None:
        """Copy one direction. A reader stamps each chunk with the time the shaped link would
        deliver it; a writer delivers on time. The bounded queue keeps TCP's back-pressure."""
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=64)
        stamps: collections.deque[float] = collections.deque()
        delivery = asyncio.ensure_future(self._deliver(writer, queue, stamps))
        try:
            await self._copy(reader, writer, both, direction, queue, stamps, limit, cut)
        finally:
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)

    async def _copy(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        both: tuple[asyncio.StreamWriter, ...],
        direction: str,
        queue: asyncio.Queue[bytes | None],
        stamps: collections.deque[float],
        limit: int | None,
        cut: bool,
    ) -> None:
        loop = asyncio.get_running_loop()
        link_free_at, sent = loop.time(), 0
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data or (cut and direction == "down"):
                    break
                if limit is not None and sent + len(data) > limit:
                    data = data[: max(0, limit - sent)]
                    cut = True
                link_free_at = max(link_free_at, loop.time())
                if self.shape.bandwidth_bps:
                    link_free_at += len(data) * 8 / self.shape.bandwidth_bps
                stamps.append(link_free_at + self.shape.one_way)
                await queue.put(data)
                sent += len(data)
                if direction == "up":
                    self.bytes_up += len(data)
                else:
                    self.bytes_down += len(data)
                if cut:
                    break
        except (ConnectionError, OSError):
            pass
        await queue.put(None)
        await queue.join()
        if cut or direction == "down":
            for each in both:
                each.close()
        else:
            with contextlib.suppress(OSError, RuntimeError):
                writer.write_eof()

    @staticmethod
    async def _deliver(
        writer: asyncio.StreamWriter,
        queue: asyncio.Queue[bytes | None],
        stamps: collections.deque[float],
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            data = await queue.get()
            try:
                if data is None:
                    return
                wait = stamps.popleft() - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
            except (ConnectionError, OSError):
                pass  # the other side is gone; keep draining so the reader can finish
            finally:
                queue.task_done()
