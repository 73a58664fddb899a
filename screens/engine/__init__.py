"""The engine room: everything that leans on Textual's, Rich's or asyncio's internals.

Each module is one piece: its docstring says what it replaces (module and function at
the pinned versions), why, what it saves and which test guards it; its `LEANS_ON` names
the library code it replaces or reads, fingerprinted by tests/test_engine_fingerprints.py
so an upgrade fails at one place. No other module may use a private name of Textual or
Rich (tests/test_engine_boundary.py). `BBS_ENGINE_OFF` turns pieces off
(`screens.engine.switches`). The map, and what each piece saves, is in the README's
Architecture and Performance sections.
"""
