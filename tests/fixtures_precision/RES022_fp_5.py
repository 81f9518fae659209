# From slack-sdk 3.48.0, slack_sdk/socket_mode/builtin/connection.py:441
# The traceback is logged when tracing is on: `.exception` in the other branch is a deliberate switch.
import logging


class Connection:
    def __init__(self, trace_enabled):
        self.logger = logging.getLogger(__name__)
        self.trace_enabled = trace_enabled

    def close(self, sock):
        try:
            sock.close()
        except Exception as disconnection_error:
            message = f"Failed to disconnect (error: {disconnection_error})"
            if self.trace_enabled:
                self.logger.exception(message)
            else:
                self.logger.error(message)
