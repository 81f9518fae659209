# From httpie 3.2.4, httpie/ssl_.py:82.
# The mode follows the user's explicit `--verify=no` flag at run time, which the rule already
# accepts for `requests.get(url, verify=verify)`.
import ssl


def create_ssl_context(verify: bool) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = verify
    context.verify_mode = ssl.CERT_REQUIRED if verify else ssl.CERT_NONE
    return context
