"""The one exception the client raises."""


class FloeError(Exception):
    """A call the server refused, or a run that failed; ``code`` is the gRPC status name
    (``UNAUTHENTICATED``, ``NOT_FOUND``…) or the run's error code."""

    def __init__(self, message: str, code: str = "UNKNOWN"):
        super().__init__(message)
        self.code = code
