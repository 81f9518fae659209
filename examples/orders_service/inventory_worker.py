"""Async worker that reserves stock for incoming orders."""
import asyncio
import time

import httpx
import requests

INVENTORY_URL = "https://inventory.example.com"


async def reserve(order: dict) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        await client.post(f"{INVENTORY_URL}/reserve", json=order)


async def notify_warehouse(order_id: str) -> None:
    requests.post(f"{INVENTORY_URL}/notify", json={"order": order_id}, timeout=5)
    time.sleep(0.5)


async def process_batch(orders: list[dict]) -> None:
    await asyncio.gather(*[reserve(order) for order in orders])
    for order in orders:
        asyncio.create_task(notify_warehouse(order["id"]))


async def main() -> None:
    queue: asyncio.Queue = asyncio.Queue()
    while True:
        batch = [await queue.get() for _ in range(10)]
        await process_batch(batch)
