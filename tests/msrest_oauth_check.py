"""msrest's OAuth code, in a worker whose oauthlib and requests-oauthlib are deferred.

    python -m tests.msrest_oauth_check

Run by test_deferred_packages.py in a process of its own, after importing
messages_function as the worker does. Prints one JSON line.
"""

import json
import sys


def main() -> None:
    # pylint: disable=import-outside-toplevel
    import messages_function  # noqa: F401  (the worker's bot, and the packages it defers)
    import requests
    from msrest.authentication import BasicTokenAuthentication, OAuthTokenAuthentication
    from msrest.exceptions import ClientRequestError
    from msrest.pipeline import HTTPPolicy, Request
    from msrest.pipeline.requests import RequestsCredentialsPolicy

    from shared.deferred_packages import is_deferred

    def state() -> dict:
        return {name: is_deferred(sys.modules[name]) for name in ("oauthlib.oauth2", "requests_oauthlib")}

    class Unreachable(HTTPPolicy):
        def send(self, request, **kwargs):
            raise requests.ConnectionError("unreachable")

    result = {"deferred_at_first": state()}
    # A failed request passes msrest's except clauses that name oauthlib's errors.
    policy = RequestsCredentialsPolicy(BasicTokenAuthentication({"access_token": "token"}))
    policy.next = Unreachable()
    request = Request(None)
    request.context = type("Context", (), {"session": requests.Session()})()
    try:
        policy.send(request)
    except ClientRequestError as error:
        result["error"] = type(error.inner_exception).__name__
    result["deferred_after_the_error"] = state()
    # OAuth token credentials sign a session with requests-oauthlib.
    session = OAuthTokenAuthentication("client", {"access_token": "token"}).signed_session()
    result["session_auth"] = type(session.auth).__module__ + "." + type(session.auth).__name__
    result["deferred_at_the_end"] = state()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
