"""The Textual UI of the forum: one module per screen, its .tcss beside it."""
