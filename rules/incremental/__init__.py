"""Incremental analysis for the language server: re-parse and re-walk only what an edit touched.

`IncrementalAnalyzer(path, settings).update(text)` returns exactly what
`engine.analyze(text, path, settings)` returns (same findings, same order), but on a small
edit of a large file it re-parses only the top-level statements around the edit and re-walks
only the statements whose results can have changed.

How it works
------------
The file is cut into *chunks*: runs of whole lines, each holding one or more top-level
statements (with their decorators, and the comment/blank lines after them). A chunk
boundary is a line where a top-level statement starts at column 0, so the text before a
boundary always ends in a clean tokenizer state; a chunk's lines parse on their own to the
same nodes as in the whole file.

For every chunk we keep what the engine's single walk produced for it:
  * its findings, split in the two phases of `engine.Walker` (the module-level walk, and the
    deferred walk of function bodies, which sees the *final* module scope);
  * the module-scope writes of its module-level walk (`binds`, replayed in order to rebuild
    the module scope at any point) and the module-scope names it read in each phase;
  * its deferred function entries, its class scopes and its suppression directives.
The module scope's binders (`Scope.binders`: which def / class / assignment statements bound
a name, used by rules to find a module-level def or constant by name) live in the same
tracked table under `"\0" + name`: such a lookup is a module-name read, and a chunk whose
statements are re-parsed changes those entries (new nodes), so its readers are re-walked.

On `update(text)`: common prefix/suffix of lines -> the touched chunks, widened to the chunk
before and the chunk after; that region is parsed alone (widened again when it does not
parse; the whole file is parsed as a last resort). Then the module-level walk runs for the
new chunks; later chunks are re-walked only while the module scope differs from the old one
in a name they read; function bodies are re-walked for new chunks and for chunks that read
a module name whose final binding changed. Unchanged chunks keep their findings, shifted by
the line delta (column positions are untouched: whole lines moved).

An edit that replaces whole chunks (it starts and ends on chunk boundaries, as inserting or
deleting top-level statements does) is parsed on its own first: when its new lines parse alone,
nothing around them can have changed, so the neighbouring chunks are kept as they are.

An edit inside one method of a class (the common case while typing) re-parses that method
alone (its lines under a stand-in `class _:` line), swaps it into the class node, re-runs the
class's module-level walk (cheap: method bodies are deferred) and walks only that method's
body, starting from the `self.x` tables the methods before it left (recorded per method);
the other methods keep their findings. All methods are walked again when the edited one
leaves different `self.x` tables, or when a rule read the whole class while walking one of
them (`ctx.enclosing_class()`).

Per-file gates: a rule may ask `ctx.text_has(markers)` (e.g. "does this file mention openai?")
instead of reading `ctx.text`; every answer is re-checked on each new text and a flipped one
starts the analysis over, exactly as `analyze()` would see it. Memos that helper layers keep on
the context (`_resilint_*` attributes, keyed by node ids) are dropped at every update.

Safety nets (any of them -> the exact `analyze()` result):
  * rules that keep per-instance state across statements (state compared to its initial
    value at every statement boundary; a `finish()` hook must report nothing from the
    initial state, which is checked once, since it is never called here), rules that read the
    whole file (`ctx.tree.body`, `ctx.text`, `ctx.findings`, a line of `ctx.index` outside the
    statement, another statement's class scope, iterate the module scope) or
    report a range outside the statement they were visiting: the analyzer switches to
    `analyze()` for good (`full_only` says why);
  * a rule raising (RES998) or a file too deep to walk: `analyze()` for that update and a
    rebuild on the next one;
  * text that does not parse: `analyze()`'s syntax-error result; the state keeps the last
    text that parsed, so the next edit is still diffed against it.

Known limit: a rule whose *message* embeds a line number of another statement would keep
the stale number for a reused statement (no rule does this; spans are checked).
Modules: `chunks` (cutting a file into chunks; the line diff), `replay` (module-scope state
recorded and replayed), `watched` (the context the rules see, watched for whole-file reads),
`walks` (walking chunks), `methods` (the method path), `analyzer` (`IncrementalAnalyzer`).
"""
from .analyzer import IncrementalAnalyzer

__all__ = ["IncrementalAnalyzer"]
