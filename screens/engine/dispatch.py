"""A message's handlers found from a plan made once per (node class, message class).

Replaces `textual.message_pump.MessagePump._get_dispatch_methods` (textual 8.2.8),
process-wide, with the same answer: for each class of the node's MRO, its @on handlers
for the message (selectors still matched per message), then its named handler.
Why: Textual walks the node's whole MRO (twenty classes for a widget) for every message
every node handles, to find the same handlers each time: a few percent of a busy server.
Saves: see the README's performance section, row `dispatch_plans` (`bench/step_cost.py
--off dispatch_plans`, `bench/fanout.py --off dispatch_plans`).
Guarded by: tests/test_engine.py::test_handlers_run_the_same_when_found_from_a_plan.
"""

from __future__ import annotations

from typing import Any

from textual._on import OnNoWidget
from textual.css.match import match
from textual.message import Message
from textual.message_pump import MessagePump

LEANS_ON = (
    "textual.message_pump:MessagePump._get_dispatch_methods",
    "textual.message_pump:_MessagePumpMeta.__new__",  # how _decorated_handlers is built
    "textual._on:on",
)
"""What this piece replaces or reads, fingerprinted by tests/test_engine_fingerprints.py."""

_Plan = tuple[tuple[type, tuple[tuple[Any, Any], ...], Any], ...]
_PLANS: dict[tuple[type, type, str], _Plan] = {}
_ORIGINAL = MessagePump._get_dispatch_methods


def _plan(node_class: type, message_class: type, method_name: str) -> _Plan:
    """Which handlers a node of `node_class` has for `message_class`, class by class (MRO)."""
    message_mro = [t for t in message_class.__mro__ if issubclass(t, Message)]
    steps = []
    for cls in node_class.__mro__:
        decorated_handlers = cls.__dict__.get("_decorated_handlers") or {}
        decorated = tuple(
            (method, selectors)
            for message_type in message_mro
            for method, selectors in decorated_handlers.get(message_type, [])
        )
        named = cls.__dict__.get(f"_{method_name}") or cls.__dict__.get(method_name)
        if named is not None and getattr(named, "_textual_on", None):
            named = None
        if decorated or named is not None:
            steps.append((cls, decorated, named))
    return tuple(steps)


def _planned_dispatch_methods(self: MessagePump, method_name: str, message: Message) -> Any:
    """MessagePump._get_dispatch_methods from the plan for this node and message class."""
    key = (self.__class__, message.__class__, method_name)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _plan(self.__class__, message.__class__, method_name)
    dispatched: set[Any] = set()
    for cls, decorated, named in plan:
        if message._no_default_action:
            break
        for method, selectors in decorated:
            if method in dispatched:
                continue
            if not selectors or message._sender and _selected(message, selectors):
                yield cls, method.__get__(self, cls)
                dispatched.add(method)
        if named is not None:
            yield cls, named.__get__(self, cls)


def _selected(message: Message, selectors: dict[str, Any]) -> bool:
    from textual.widget import Widget

    for attribute, selector in selectors.items():
        node = getattr(message, attribute)
        if node is None:
            return False
        if not isinstance(node, Widget):
            raise OnNoWidget(
                f"on decorator can't match against {attribute!r} as it is not a widget."
            )
        if not match(selector, node):
            return False
    return True


def install(on: bool) -> None:
    """Planned dispatch in place (or Textual's own back)."""
    MessagePump._get_dispatch_methods = _planned_dispatch_methods if on else _ORIGINAL  # type: ignore[method-assign]
