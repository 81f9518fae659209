# From open-interpreter 0.4.3, interpreter/computer_use/loop.py:429, 438, 484
# the terminal program's main coroutine already blocks its loop on input(): review tier.
import time


async def main():
    print("Welcome to Open Interpreter.")
    time.sleep(0.5)
    api_key = input("Enter your API key: ")
    time.sleep(0.5)
    return api_key
