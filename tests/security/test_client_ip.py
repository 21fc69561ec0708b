"""The client's address: X-Forwarded-For counts only when a trusted proxy sent it."""

from django.test import RequestFactory, SimpleTestCase, override_settings
from rencontres_site.security.clientip import client_ip


def request(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


class ClientIpTests(SimpleTestCase):
    @override_settings(TRUSTED_PROXIES=[])
    def test_without_a_trusted_proxy_the_header_is_ignored(self):
        self.assertEqual(client_ip(request("203.0.113.7", "198.51.100.1")), "203.0.113.7")

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_a_client_cannot_claim_another_address(self):
        # Sent straight to the app (not through Varnish): the header is the client's.
        self.assertEqual(client_ip(request("203.0.113.7", "127.0.0.1")), "203.0.113.7")
        self.assertEqual(client_ip(request("203.0.113.7", "198.51.100.1")), "203.0.113.7")

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_through_the_proxy_the_address_it_appended_counts(self):
        self.assertEqual(client_ip(request("127.0.0.1", "203.0.113.7")), "203.0.113.7")
        # A forged value on the left of the header is ignored: Varnish appended the real one.
        self.assertEqual(
            client_ip(request("127.0.0.1", "198.51.100.1, 203.0.113.7")), "203.0.113.7"
        )

    @override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
    def test_a_chain_of_trusted_proxies_is_walked_from_the_right(self):
        self.assertEqual(
            client_ip(request("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.1.2.3")), "203.0.113.7"
        )

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_garbage_or_nothing_leaves_the_proxy_address(self):
        self.assertEqual(client_ip(request("127.0.0.1", "not-an-address")), "127.0.0.1")
        self.assertEqual(client_ip(request("127.0.0.1")), "127.0.0.1")
        self.assertEqual(client_ip(request("::1", "203.0.113.7")), "::1")
