# From open-interpreter 0.4.3, interpreter/computer_use/loop.py:134 (the developer's configured suffix)
SYSTEM_PROMPT = "You are a computer-use agent."


def build_messages(system_prompt_suffix, messages):
    system = {"role": "system", "content": f"{SYSTEM_PROMPT}{' ' + system_prompt_suffix if system_prompt_suffix else ''}"}
    return [system, *messages]
