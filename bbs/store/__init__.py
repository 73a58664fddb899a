"""Storage: one hub database and one database per community, through sqlite-utils."""
