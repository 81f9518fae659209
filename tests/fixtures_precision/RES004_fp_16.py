# From open-interpreter 0.4.3, interpreter/terminal_interface/profiles/defaults/codestral-few-shot.py:35
# a script's top-level `ollama pull` with stdio inherited: a foreground download its user watches.
import subprocess

model_name = "codestral"
result = subprocess.run(["ollama", "list"], capture_output=True, text=True, check=True, timeout=30)
if model_name not in result.stdout:
    print(f"Downloading {model_name}...")
    subprocess.run(["ollama", "pull", model_name], check=True)
