# From open-interpreter 0.4.3, interpreter/terminal_interface/terminal_interface.py:109 (comment-explained)
try:
    import readline
except Exception:
    # readline is optional: missing on Windows
    pass
