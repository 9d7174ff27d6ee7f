"""The runtime: targets and threads, the frame/tick sequencer, and blocks linked into closures."""
