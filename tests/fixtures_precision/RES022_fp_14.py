# From changedetection.io 0.60.10, changedetectionio/store/__init__.py:1058 and :1069 (also flower 2.2.0,
# flower/events.py:244): an expected failure of a local file, reported with the file and the error.
import os

from loguru import logger


def headers_for(datastore_path, parse_headers_from_text_file):
    headers = {}
    filepath = os.path.join(datastore_path, "headers.txt")
    try:
        if os.path.isfile(filepath):
            headers.update(parse_headers_from_text_file(filepath))
    except Exception as e:
        logger.error(f"ERROR reading headers.txt at {filepath} {str(e)}")
    return headers
