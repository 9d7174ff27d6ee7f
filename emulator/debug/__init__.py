"""The debugger without a screen: a DebugSession, what a run revealed (findings), and explain's report."""
