"""The command's exit statuses."""

EXIT_OK = 0
EXIT_RUN_STOPPED = 1  # the run stopped early: an unsupported block, the step limit
EXIT_BAD_INPUT = 2  # a file or option the user gave cannot be used
EXIT_INTERNAL = 3  # a bug of ours: an exception nothing else caught
EXIT_INTERRUPTED = 130  # Ctrl-C
