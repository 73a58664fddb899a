"""NO_COLOR means no colour: not one colour parameter in the bytes of any main screen.

Bold, reverse video and underline carry what colour did: the selected row of a list
and the keys of the key bar still stand out (in reverse video). Read over a real SSH
session, from the raw bytes the client receives.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.ssh_support import connect, make_key, running_server, seed_small, wait_until
from tests.test_ssh_e2e import FACTORIES

SGR = re.compile(rb"\x1b\[([0-9;:]*)m")
COLOURS = {*range(30, 38), 39, *range(40, 48), 49, *range(90, 98), *range(100, 108)}


def sgr_parameters(raw: bytes) -> list[list[int]]:
    """The parameters of every SGR sequence (`ESC [ ... m`) in the bytes."""
    found = []
    for match in SGR.finditer(raw):
        text = match.group(1).decode().replace(":", ";")
        found.append([int(p) if p else 0 for p in text.split(";")])
    return found


def colour_parameters(raw: bytes) -> list[str]:
    """Every colour parameter: 30-37, 39, 40-47, 49, 90-97, 100-107, and 38;... / 48;...."""
    found = []
    for params in sgr_parameters(raw):
        i = 0
        while i < len(params):
            p = params[i]
            if p in (38, 48, 58):  # extended colour: 5;n or 2;r;g;b follow
                span = 3 if params[i + 1 : i + 2] == [5] else 5
                found.append(";".join(map(str, params[i : i + span])))
                i += span
                continue
            if p in COLOURS:
                found.append(str(p))
            i += 1
    return found


def attributes(raw: bytes) -> set[int]:
    return {p for params in sgr_parameters(raw) for p in params if p in (1, 4, 7)}


def test_the_counter_counts() -> None:
    """The counter itself: colour found in every form, attributes not taken for colour."""
    raw = b"\x1b[1;97;100mA\x1b[38;5;200mB\x1b[48;2;1;2;3mC\x1b[7mD\x1b[0;4mE\x1b[39;49m"
    assert colour_parameters(raw) == ["97", "100", "38;5;200", "48;2;1;2;3", "39", "49"]
    assert attributes(raw) == {1, 4, 7}
    assert colour_parameters(b"\x1b[1m\x1b[7m\x1b[0m\x1b[2m\x1b[22m") == []


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple]:
    async with running_server(tmp_path, FACTORIES) as (ctx, port):
        seed_small(ctx)
        forum = ctx.forum
        bob, ada = forum.person("bob"), forum.person("ada")
        forum.set_bulletin(ada, "**Frost** is due: fleece the _beans_.")
        forum.add_oneliner(ada, "tomatoes survived")
        _, root = forum.start_thread(bob, "garden", "general", "Bean poles", "Hazel or *bamboo*?")
        forum.reply(ada, "garden", root, "Hazel. See [the guide](https://example.org/poles).")
        yield ctx, port


async def raw_screens(port: int, key: object, env: dict[str, str]) -> dict[str, bytes]:
    """The bytes of each main screen: welcome, directory, community, thread, composer."""
    person = await connect(port, "bob", key=key, env=env)  # type: ignore[arg-type]
    raw = bytearray()
    original = person.client.data_received

    def keep(data: bytes, datatype: object) -> None:
        raw.extend(data)
        original(data, datatype)

    person.client.data_received = keep  # type: ignore[method-assign]
    screens: dict[str, bytes] = {}

    async def visit(name: str, keys: str, seen: str) -> None:
        raw.clear()
        person.send(keys)
        await person.wait_for(seen)
        screens[name] = bytes(raw)

    await visit("welcome", "", "welcome, Bob")
    await visit("directory", "d", "Growing things")
    await visit("community", "\r", "Bean poles")
    await person.press_until_lit("\r", "Bean poles")  # from the board list to the thread list
    person.send("\r")  # then into the thread
    await person.wait_for("Hazel or")
    screens["thread"] = bytes(raw)
    await visit("composer", "r", "Send")
    await person.close()
    return screens


async def test_no_color_client_gets_no_colour_codes_on_any_main_screen(server: tuple) -> None:
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    screens = await raw_screens(port, key, {"NO_COLOR": "1"})
    for name, raw in screens.items():
        assert raw, name
        found = colour_parameters(raw)
        assert found == [], f"{name}: {len(found)} colour parameters, e.g. {found[:8]}"
    seen = attributes(b"".join(screens.values()))
    assert 7 in seen and 1 in seen, seen  # reverse video and bold carry what colour did
    await wait_until(lambda: ctx.live_count == 0)


async def test_a_colour_client_still_gets_colour(server: tuple) -> None:
    """The same screens without NO_COLOR: colour, as the snapshot tests picture it."""
    ctx, port = server
    key = make_key(ctx.forum, "bob")
    screens = await raw_screens(port, key, {})
    assert all(len(colour_parameters(raw)) > 20 for raw in screens.values())
    await wait_until(lambda: ctx.live_count == 0)
