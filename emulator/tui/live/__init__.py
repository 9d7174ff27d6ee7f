"""The live inspector: a DebugSession driven by keys, with its panes and the worker that runs the engine."""
