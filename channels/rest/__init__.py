"""The REST channel for tests and tools (``channel.RestInput``, name ``rest``), kept to its
own conversations, off in production unless switched on, and protectable by a token."""
