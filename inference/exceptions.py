"""Errors shared by the model code and the light worker code that reports them."""


class ModelConfigurationError(RuntimeError):
    """The checkpoint cannot serve as a detector; the message says why."""
