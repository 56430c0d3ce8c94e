"""The two ways a batch stops: bad input (exit code 2) and a failure while running (exit code 1)."""


class BatchInputError(ValueError):
    """Bad input to a batch (a flag, an override, a results folder); exit code 2."""


class BatchError(RuntimeError):
    """A batch could not complete (a run failed, a file could not be written); exit code 1."""
