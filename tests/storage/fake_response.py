"""An HTTP response for building azure-core errors without a server."""


class Response:
    """Just enough of an HTTP response for azure-core's HttpResponseError."""

    def __init__(self, status_code: int):
        self.status_code = status_code
        self.reason = "reason"
        self.headers = {}

    def text(self) -> str:
        return ""
