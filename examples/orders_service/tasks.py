"""Celery tasks: send receipts and sync orders to the ERP."""
import smtplib

import requests
from celery import Celery
from tenacity import retry

app = Celery("orders", broker="redis://localhost:6379/0")


@app.task(autoretry_for=(requests.RequestException,), max_retries=None)
def sync_order_to_erp(order_id: str) -> None:
    requests.put(f"https://erp.example.com/orders/{order_id}", timeout=None)


@retry
def send_receipt(email: str, body: str) -> None:
    with smtplib.SMTP("mail.example.com") as smtp:
        smtp.sendmail("shop@example.com", [email], body)
