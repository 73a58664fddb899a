"""The one interface a live-bus transport implements, and what it tells the host it serves."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Protocol


class Link(Protocol):
    """What a transport reports to the process it serves (`bbs.bus.host.BusHost`)."""

    def received(self, subject: str, payload: bytes) -> None:
        """A message from another process (never one of this process's own)."""

    def lost(self) -> None:
        """The link went down: nothing arrives or leaves until `restored()`."""

    def restored(self) -> None:
        """The link is back (after `lost()`, or after a first connection that failed)."""

    def missed(self) -> None:
        """Messages for this process were lost without the link going down."""

    def dropped(self) -> None:
        """Messages from this process were dropped (the other side stalled): others missed them."""

    def subscribed(self, subject: str) -> None:
        """A new subscription is live: from now on, nothing on `subject` is missed."""


class Transport(ABC):
    """Carries (subject, payload) messages between processes; never promises delivery.

    Every method runs on the event loop's thread, and none of them blocks it: `publish`
    queues and returns, dropping (and calling `link.dropped()`) when the other side stalls.
    """

    selective = True
    """Whether only subscribed subjects arrive (NATS); the relay sends every worker everything."""

    @abstractmethod
    async def start(self, link: Link) -> None:
        """Connect (in the background, if the other side is not there yet)."""

    @abstractmethod
    async def stop(self) -> None:
        """Send what is queued (briefly) and disconnect."""

    @abstractmethod
    def publish(self, subject: str, payload: bytes) -> None:
        """Send one message; returns at once."""

    @abstractmethod
    def subscribe(self, subject: str) -> None:
        """Start receiving `subject` (NATS wildcards); `link.subscribed` says when it is live."""

    @abstractmethod
    def unsubscribe(self, subject: str) -> None:
        """Stop receiving `subject`."""
