"""Which serviceUrls an unauthenticated activity may make the bot call."""

import pytest

from shared.service_url_policy import ServiceUrlPolicy

CHANNEL = "https://smba.trafficmanager.net/amer/"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:3978/", "http://localhost:56789", "http://[::1]:80/v3", "https://127.0.0.2/"],
)
def test_locally_loopback_is_allowed(url):
    assert ServiceUrlPolicy().allows(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",  # instance metadata
        "http://10.0.0.7/",
        "http://127.0.0.1@attacker.example/",  # credentials hide the real host
        "http://127.0.0.1\\@attacker.example/",
        "http://localhost.attacker.example/",
        "http://2130706433/",  # 127.0.0.1 as one number: refused rather than guessed
        "http://127.0.0.1:99999/",
        "ftp://127.0.0.1/",
        "javascript:alert(1)",
        "not a url",
    ],
)
def test_anything_else_is_refused(url):
    assert not ServiceUrlPolicy().allows(url)


def test_in_azure_loopback_is_refused_unless_listed():
    assert not ServiceUrlPolicy(allow_loopback=False).allows("http://127.0.0.1:8080/")
    assert ServiceUrlPolicy(["http://127.0.0.1:8080/"], allow_loopback=False).allows(
        "http://127.0.0.1:8080/v3/conversations"
    )


@pytest.mark.parametrize(
    "url, allowed",
    [
        (CHANNEL, True),
        ("https://smba.trafficmanager.net/amer", True),
        ("https://smba.trafficmanager.net/amer/v3/conversations/x", True),
        ("https://SMBA.trafficmanager.net/amer/", True),
        ("https://smba.trafficmanager.net/amer/../emea/", False),  # normalised before it is sent
        ("https://smba.trafficmanager.net/amerx/", False),
        ("https://smba.trafficmanager.net/", False),
        ("http://smba.trafficmanager.net/amer/", False),
        ("https://smba.trafficmanager.net:8443/amer/", False),
    ],
)
def test_a_listed_prefix_covers_its_scheme_host_port_and_path_only(url, allowed):
    assert ServiceUrlPolicy([CHANNEL], allow_loopback=False).allows(url) is allowed


def test_the_refusal_says_what_is_allowed():
    assert "AllowedServiceUrls" in ServiceUrlPolicy(allow_loopback=False).describe()
    assert CHANNEL in ServiceUrlPolicy([CHANNEL]).describe().replace(":443", "")
