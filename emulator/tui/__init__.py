"""The terminal inspector: a Textual app that watches a DebugSession (`scratch-emu debug TARGET`)."""
