"""HTTP client for the payments provider."""
import logging

import requests
from tenacity import retry, stop_after_attempt, wait_fixed

logger = logging.getLogger(__name__)

PAYMENTS_URL = "https://payments.example.com/v1"


class PaymentsClient:
    def __init__(self, api_key: str) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"

    def get_charge(self, charge_id: str) -> dict:
        response = self.session.get(f"{PAYMENTS_URL}/charges/{charge_id}")
        response.raise_for_status()
        return response.json()

    @retry(stop=stop_after_attempt(5), wait=wait_fixed(2))
    def create_charge(self, order_id: str, amount_cents: int) -> dict:
        response = self.session.post(
            f"{PAYMENTS_URL}/charges",
            json={"order": order_id, "amount": amount_cents},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def refund(self, charge_id: str) -> bool:
        try:
            self.session.post(f"{PAYMENTS_URL}/refunds", json={"charge": charge_id}, timeout=10)
        except Exception:
            return False
        return True


def fetch_exchange_rate(currency: str) -> float:
    for attempt in range(3):
        try:
            return requests.get(f"https://fx.example.com/{currency}", timeout=5).json()["rate"]
        except requests.RequestException:
            logger.error("fx lookup failed for %s", currency)
            continue
    raise RuntimeError("no exchange rate")
