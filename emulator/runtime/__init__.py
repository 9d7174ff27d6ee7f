"""The runtime: threads, the frame/tick sequencer, and blocks turned into runnable closures."""
