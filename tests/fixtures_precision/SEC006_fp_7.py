# From aider-chat 0.86.2, aider/analytics.py:55-56, and open-interpreter 0.4.3,
# interpreter/core/utils/telemetry.py:57.
# Product-analytics ingestion keys: a Mixpanel project token and PostHog project API keys (`phc_`)
# are public by design (shipped in every client, they can only send events), not credentials.
import requests

mixpanel_project_token = "6da9a43058a5d1b9f3353153921fb04d"
posthog_project_api_key = "phc_99T7muzafUMMZX15H8XePbMSreEUzahHbtWjy3l5Qbv"
posthog_host = "https://us.i.posthog.com"


def send_telemetry(event_name: str, user_id: str) -> None:
    data = {
        "api_key": "phc_6cmXy4MEbLfNGezqGjuUTY8abLu0sAwtGzZFpQW97lc",
        "event": event_name,
        "distinct_id": user_id,
    }
    requests.post("https://app.posthog.com/capture", json=data, timeout=5)
