# From litellm 1.110.2, litellm/integrations/otel/model/semconv.py:368.
# OpenTelemetry metric names: "token" here is an LLM token, the value a dotted metric name.
from typing import Final


class GenAIMetrics:
    TOKEN_USAGE: Final = "gen_ai.client.token.usage"
    TIME_TO_FIRST_TOKEN: Final = "gen_ai.server.time_to_first_token"
    TIME_PER_OUTPUT_TOKEN: Final = "gen_ai.server.time_per_output_token"
