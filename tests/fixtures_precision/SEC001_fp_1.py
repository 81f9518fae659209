# From kombu 5.7.0, kombu/utils/url.py:125 (and celery 5.7.0, celery/backends/redis.py:597).
# A lookup table that translates the *name* of a mode from a URL/config string to the ssl
# constant: it disables nothing by itself (the same as a module constant naming the mode).
import ssl


def url_to_ssl_cert_reqs(query_value: str) -> int:
    query_value_to_constant = {
        "CERT_REQUIRED": ssl.CERT_REQUIRED,
        "CERT_OPTIONAL": ssl.CERT_OPTIONAL,
        "CERT_NONE": ssl.CERT_NONE,
        "required": ssl.CERT_REQUIRED,
        "optional": ssl.CERT_OPTIONAL,
        "none": ssl.CERT_NONE,
    }
    return query_value_to_constant[query_value]
