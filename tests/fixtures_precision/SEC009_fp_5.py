# From slack-sdk 3.48.0, slack_sdk/socket_mode/builtin/internals.py:164.
# RFC 6455 defines Sec-WebSocket-Accept as base64(SHA-1(key + GUID)): mandated by the protocol.
import hashlib
from base64 import encodebytes
from hmac import compare_digest


def validate_sec_websocket_accept(sec_websocket_key: str, headers: dict) -> bool:
    v = (sec_websocket_key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode("utf-8")
    expected = encodebytes(hashlib.sha1(v).digest()).decode("utf-8").strip()
    return compare_digest(expected, headers.get("sec-websocket-accept", "").strip())
