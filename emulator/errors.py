"""The two kinds of failure: our own gap or bug (EmulatorError) and the program's fault (ProgramError)."""


class EmulatorError(Exception):
    """The emulator cannot do what was asked: an unsupported opcode, or a bug of ours."""


class ProgramError(Exception):
    """The program or project file is malformed or cannot be run as given."""


class InputFileError(ProgramError):
    """A file given by the user cannot be read as a project (missing, not a zip, bad JSON, ...)."""
