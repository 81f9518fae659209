# From open-interpreter 0.4.3, interpreter/core/utils/system_debug_info.py:119
# A best-effort debug report answers with an error message: the caller prints it, nothing is hidden.
def interpreter_info(interpreter):
    try:
        return f"Model: {interpreter.llm.model}\nAuto run: {interpreter.auto_run}"
    except:
        return "Error, couldn't get interpreter info"
