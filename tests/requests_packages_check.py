"""msrest's OAuth code and requests' encoding guess, in a worker that deferred
oauthlib, requests-oauthlib and charset-normalizer.

    python -m tests.requests_packages_check

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
        return {
            name: is_deferred(sys.modules[name])
            for name in ("oauthlib.oauth2", "requests_oauthlib", "charset_normalizer")
        }

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
    # A response that declares no encoding: requests guesses it with charset-normalizer.
    response = requests.models.Response()
    response._content = "Grüße aus Köln, Straße Nummer fünf".encode("utf-8")  # pylint: disable=protected-access
    result["guessed_text"] = response.text
    result["deferred_at_the_end"] = state()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
