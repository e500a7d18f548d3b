"""func.HttpResponse goes on the wire the way the Python worker encodes it."""

import azure.functions as func

from local_run.http_bridge import to_web_response


def test_status_headers_and_body_pass_through():
    response = to_web_response(
        func.HttpResponse(
            b'{"a": 1}', status_code=201, headers={"X-Trace": "t1"}, mimetype="application/json"
        )
    )

    assert response.status == 201
    assert response.headers["X-Trace"] == "t1"
    assert response.headers["Content-Type"] == "application/json"
    assert response.body == b'{"a": 1}'


def test_text_mimetypes_carry_the_charset():
    response = to_web_response(func.HttpResponse("hé", charset="latin-1"))

    assert response.headers["Content-Type"] == "text/plain; charset=latin-1"
    assert response.body == "hé".encode("latin-1")


def test_a_content_type_header_beats_the_mimetype():
    response = to_web_response(
        func.HttpResponse("x", headers={"content-type": "application/problem+json"})
    )

    assert response.headers["Content-Type"] == "application/problem+json"


def test_an_empty_response_has_an_empty_body():
    response = to_web_response(func.HttpResponse(status_code=202))

    assert (response.status, response.body) == (202, b"")
