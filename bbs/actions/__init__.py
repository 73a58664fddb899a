"""The forum's operations, grouped by what a person is doing; `bbs.forum.Forum` joins them."""
