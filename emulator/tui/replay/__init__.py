"""The replay inspector: a trace, a cursor in it, and the keys that move through time."""
