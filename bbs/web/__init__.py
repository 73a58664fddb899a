"""The web reader (`bbs web`): the open communities as plain, semantic HTML, read-only.

One more client of `bbs.forum`, reading as a guest: it holds no rule of its own and
runs no SQL. Its own process, an ASGI app (Starlette) under uvicorn.
"""
