"""SEC004 unsafe-deserialization."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import keyword
from ..model import Finding, Fix, Rule, Severity
from ..names import Binding

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

#: Always unsafe: loading runs code chosen by whoever wrote the bytes.
_ALWAYS = frozenset({
    "pickle.load", "pickle.loads", "pickle.Unpickler", "_pickle.load", "_pickle.loads", "cPickle.load", "cPickle.loads",
    "cloudpickle.load", "cloudpickle.loads", "dill.load", "dill.loads", "marshal.load", "marshal.loads",
    "joblib.load", "pandas.read_pickle", "pd.read_pickle", "jsonpickle.decode", "jsonpickle.loads",
    "shelve.open", "yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all",
    "keras.models.load_model_unsafe",
})
#: `<module>.loads(<module>.dumps(x))`: bytes this process just made from its own object.
_DUMPS = {
    "pickle.loads": "pickle.dumps", "_pickle.loads": "_pickle.dumps", "cPickle.loads": "cPickle.dumps",
    "cloudpickle.loads": "cloudpickle.dumps", "dill.loads": "dill.dumps", "marshal.loads": "marshal.dumps",
}
#: shelve flags that may read an existing file without the program having written it ("r": read-only).
_SHELF_READ_ONLY = "r"
_YAML_LOAD = frozenset({"yaml.load", "yaml.load_all"})
_SAFE_LOADERS = frozenset({
    "yaml.SafeLoader", "yaml.CSafeLoader", "yaml.BaseLoader", "yaml.CBaseLoader",
    "yaml.loader.SafeLoader", "yaml.loader.BaseLoader", "yaml.cyaml.CSafeLoader",
})
_UNSAFE_LOADERS = frozenset({
    "yaml.Loader", "yaml.FullLoader", "yaml.UnsafeLoader", "yaml.CLoader", "yaml.CFullLoader", "yaml.CUnsafeLoader",
    "yaml.loader.Loader", "yaml.loader.FullLoader", "yaml.loader.UnsafeLoader",
})
_NUMPY = frozenset({"numpy.load"})
_TORCH = frozenset({"torch.load"})
#: What the fix calls instead (the loader argument is dropped).
_YAML_SAFE = {
    "yaml.load": "safe_load", "yaml.full_load": "safe_load", "yaml.unsafe_load": "safe_load",
    "yaml.load_all": "safe_load_all", "yaml.full_load_all": "safe_load_all", "yaml.unsafe_load_all": "safe_load_all",
}


class UnsafeDeserialization(Rule):
    code = "SEC004"
    name = "unsafe-deserialization"
    message = (
        "`{callee}` {how}: loading attacker-controlled bytes this way runs arbitrary code on this machine"
    )
    severity = Severity.ERROR
    refs = ("H10",)
    owasp = ("A08",)
    cwe = ("CWE-502",)
    fix_applicability = "unsafe"
    fix_title = "Use a safe loader (`yaml.safe_load` / `weights_only=True`)"
    callees = frozenset({*_ALWAYS, *_YAML_LOAD, *_NUMPY, *_TORCH})

    docs = """
## What it does
Checks for deserializers that can execute code: `pickle.load(s)`, `cloudpickle`, `dill`,
`marshal`, `joblib.load`, `pandas.read_pickle`, read-only `shelve.open(path, "r")`,
`jsonpickle.decode`, `numpy.load(..., allow_pickle=True)`, `yaml.load` without a safe `Loader`
(`FullLoader`, `Loader` and `UnsafeLoader` are unsafe), `yaml.unsafe_load`/`full_load`, and
`torch.load` without `weights_only=True`.

Two uses cannot load someone else's bytes and stay silent: a round trip
`pickle.loads(pickle.dumps(obj))` (a copy of an object this process holds), and a shelf opened
writable (the default flag `"c"`, `"w"`, `"n"`): a store the program keeps itself.

## Why is this bad?
A pickle is a program: unpickling calls any callable the author chose (`os.system`
included). The same holds for YAML's Python tags and for PyTorch checkpoints loaded with full
unpickling. A model file from a hub, a cached blob in Redis, or an uploaded file becomes
remote code execution (guide: H10; OWASP A08 software and data integrity failures;
CWE-502). A `Loader` given as a variable is not flagged (it cannot be settled statically).

## Example
```python
import yaml

def load_pipeline(path):
    with open(path) as f:
        return yaml.load(f, Loader=yaml.FullLoader)
```

## Use instead
```python
import yaml

def load_pipeline(path):
    with open(path) as f:
        return yaml.safe_load(f)
```

## Fix safety
The fix rewrites `yaml.load(...)` / `full_load` / `unsafe_load` (and the `_all` variants) to
`yaml.safe_load(...)` / `yaml.safe_load_all(...)`, dropping the `Loader` argument, and sets
`weights_only=True` on `torch.load`. It is **unsafe**: documents that use Python-specific YAML
tags and checkpoints that pickle arbitrary objects stop loading. Pickle-family calls,
`numpy.load(..., allow_pickle=True)` and `pandas.read_pickle` have no automatic fix: switch to
JSON, `safetensors` or a signed format.

## References
- [pickle: security warning](https://docs.python.org/3/library/pickle.html)
- [PyYAML: yaml.load deprecation](https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation)
- [torch.load weights_only](https://pytorch.org/docs/stable/generated/torch.load.html)
- Guide: H10; OWASP A08
"""

    valid = (
        "import yaml\nyaml.safe_load(text)\n",
        "import yaml\nyaml.load(text, Loader=yaml.SafeLoader)\n",
        "from yaml import load, CSafeLoader\nload(text, Loader=CSafeLoader)\n",
        "import numpy as np\nnp.load('a.npy')\n",
        "import torch\ntorch.load('m.pt', weights_only=True)\n",
        "import yaml\nyaml.load(text, Loader=loader_cls)\n",
        "import json\njson.loads(data)\n",
        "class Store:\n    def load(self, f): ...\nStore().load(f)\n",
    )
    invalid = (
        "import pickle\npickle.loads(blob)\n",
        "import pickle as pk\nwith open('x', 'rb') as f:\n    pk.load(f)\n",
        "from dill import loads as undill\nundill(blob)\n",
        "import yaml\nyaml.load(text)\n",
        "import yaml\nyaml.load(text, Loader=yaml.FullLoader)\n",
        "from yaml import load, UnsafeLoader\nload(text, Loader=UnsafeLoader)\n",
        "import numpy as np\nnp.load('a.npy', allow_pickle=True)\n",
        "import torch\ntorch.load('m.pt')\n",
        "import torch\ntorch.load('m.pt', weights_only=False)\n",
        "import pandas as pd\npd.read_pickle('frame.pkl')\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        import libcst as cst

        from ..fixes.transforms import keyword_fix, remove_element, remove_keyword, replace_code

        callee = finding.data.get("callee", "")
        if callee in _TORCH:
            return keyword_fix(finding, doc, "weights_only", "True", "unsafe", "Add `weights_only=True`")
        safe = _YAML_SAFE.get(callee)
        if safe is None:
            return None  # pickle family, numpy: no automatic fix
        call = doc.call_at(finding.span)
        if call is None:  # the span is the `Loader=...` keyword or the positional loader
            node = doc.node_at(finding.span, cst.Arg)
            if node is None:
                value = doc.node_at(finding.span, cst.BaseExpression)
                node = doc.parent(value) if value is not None else None
            parent = doc.parent(node) if isinstance(node, cst.Arg) else None
            if not isinstance(parent, cst.Call):
                return None
            call = parent
        target = call

        def rewrite(c: cst.Call, spelled: str) -> cst.Call:
            if any(a.keyword is not None and a.keyword.value == "Loader" for a in c.args):
                c = remove_keyword(c, "Loader")
            else:
                positional = [a for a in c.args if a.keyword is None]
                if len(positional) > 1:
                    c = c.with_changes(args=remove_element(c.args, list(c.args).index(positional[1]))[0])
            return c.with_changes(func=replace_code(c.func, spelled))

        return doc.replace(target, lambda spelled: rewrite(target, spelled), f"Use `yaml.{safe}`", "unsafe",
                           [("yaml", safe)])

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        shown = name.replace("()", "")
        if name in _ALWAYS:
            if self._round_trip(name, call) or (name == "shelve.open" and not _read_only_shelf(call)):
                return
            self.report(call.func, callee=shown, how="can execute code embedded in the data")
        elif name in _YAML_LOAD:
            kw = keyword(call, "Loader")
            loader = kw.value if kw is not None else (call.args[1] if len(call.args) > 1 else None)
            if loader is None:
                if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
                    return
                self.report(call.func, callee=shown, how="without a safe `Loader` builds arbitrary Python objects")
                return
            loader_name = self.ctx.qualname(loader)
            if loader_name in _UNSAFE_LOADERS:
                self.report(kw if kw is not None else loader, callee=shown,
                            how=f"with `{loader_name}` builds arbitrary Python objects")
        elif name in _NUMPY:
            kw = keyword(call, "allow_pickle")
            if kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                self.report(kw, callee=shown, how="with `allow_pickle=True` unpickles object arrays")
        elif name in _TORCH:
            kw = keyword(call, "weights_only")
            if kw is None:
                if any(k.arg is None for k in call.keywords):
                    return
                self.report(call.func, callee=shown, how="without `weights_only=True` unpickles the whole checkpoint")
            elif isinstance(kw.value, ast.Constant) and kw.value.value is False:
                self.report(kw, callee=shown, how="with `weights_only=False` unpickles the whole checkpoint")

    def _round_trip(self, name: str, call: ast.Call) -> bool:
        dumps = _DUMPS.get(name)
        arg = call.args[0] if call.args else None
        return dumps is not None and isinstance(arg, ast.Call) and self.ctx.qualname(arg.func) == dumps


def _read_only_shelf(call: ast.Call) -> bool:
    """`shelve.open(path, "r")`: reads a shelf someone else wrote. Any other flag ("c", the default,
    "w", "n") keeps a store this program writes itself."""
    kw = keyword(call, "flag")
    flag = kw.value if kw is not None else (call.args[1] if len(call.args) > 1 else None)
    if flag is None:
        return False
    return not (isinstance(flag, ast.Constant) and isinstance(flag.value, str) and flag.value != _SHELF_READ_ONLY)
