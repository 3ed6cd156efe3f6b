"""Shared by the notifications tests that use real services: an SMTP sink (aiosmtpd) started by
the test, a free local port, and polling instead of sleeping."""

import asyncio
import email
import email.policy
import socket
import threading
import time


class Sink:
    """An SMTP server's handler that keeps every message it accepted (answered 250)."""

    def __init__(self):
        self.messages = []
        self.port = None  # set by the fixture that starts the server
        self.refuse_next = 0  # answer this many deliveries with a temporary failure
        self.stall_next = 0  # leave this many deliveries unanswered after their DATA
        self.stalled = threading.Event()  # set when a delivery is being held
        self.received_ids = []  # Message-IDs of every DATA received, accepted or not

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content,
                                           policy=email.policy.default)
        self.received_ids.append(message["Message-ID"])
        if self.stall_next:
            self.stall_next -= 1
            self.stalled.set()
            # Never answered: aiosmtpd cancels this when the client goes away, and a message
            # the server never accepted is not delivered.
            await asyncio.sleep(120)
            return "451 Requested action aborted: timed out"
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 Requested action aborted: try again later"
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def with_id(self, message_id: str) -> list:
        return [m for m in self.messages if m["Message-ID"] == message_id]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=30.0, interval=0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
