# From aider-chat 0.86.2, aider/linter.py:179 (compile() alone checks syntax, executes nothing)
def compile_ok(fname, code):
    try:
        compile(code, fname, "exec")
        return True
    except SyntaxError:
        return False
