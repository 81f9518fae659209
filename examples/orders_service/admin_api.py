"""Internal admin endpoints."""
import sqlite3

import requests
from flask import Flask, request

app = Flask(__name__)
STRIPE_API_KEY = "sk_live_51HxQpLmN8vT2kR7yW3zB9cD4eF6gH0jK"


@app.route("/orders")
def search_orders():
    customer = request.args["customer"]
    db = sqlite3.connect("orders.db")
    rows = db.execute(f"SELECT * FROM orders WHERE customer = '{customer}'").fetchall()
    return {"orders": rows}


@app.route("/webhook-test")
def webhook_test():
    target = request.args["url"]
    response = requests.get(target, timeout=5, verify=False)
    return {"status": response.status_code}


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
