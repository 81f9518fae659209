# From datasette 0.65.5, datasette/utils/__init__.py:760.
# Loading a plugin module from a path the deployer configured: the catalog puts executing the
# contents of a file named by a path in the review tier.
import types


def module_from_path(path, name):
    mod = types.ModuleType(name)
    mod.__file__ = path
    with open(path, "r") as file:
        code = compile(file.read(), path, "exec", dont_inherit=True)
    exec(code, mod.__dict__)
    return mod
