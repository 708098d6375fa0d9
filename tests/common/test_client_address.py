"""The client address behind throttles and the lock-out: X-Forwarded-For only via a
trusted proxy (issue 16)."""

from django.test import RequestFactory, override_settings

from backend.common.client_address import client_address

PROXY = "10.0.0.5"


def _request(remote: str, forwarded: str | None = None) -> object:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_it_ignores_forwarded_for_from_a_client_that_is_no_proxy() -> None:
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_it_takes_the_forwarded_address_from_a_trusted_proxy() -> None:
    assert client_address(_request(PROXY, "198.51.100.1")) == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_it_takes_the_right_most_untrusted_hop_not_what_the_client_wrote() -> None:
    # The client wrote 1.2.3.4 itself; the proxy appended the address it really saw.
    assert client_address(_request(PROXY, "1.2.3.4, 198.51.100.1, 10.0.0.7")) == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_it_falls_back_to_the_proxy_when_the_forwarded_hop_is_not_an_address() -> None:
    assert client_address(_request(PROXY, "not-an-address")) == PROXY
