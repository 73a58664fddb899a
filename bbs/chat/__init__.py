"""Live chat: a room per community and one board-wide lobby (rooms, models, live events)."""
