#!/usr/bin/env bash
# Bundle the resilint server and its dependencies into bundled/libs (importStrategy=useBundled;
# the extension starts the server with PYTHONPATH=bundled/libs).
#
#   bash scripts/bundle_python.sh [REPO]          # REPO defaults to the repository root
#
# Environment:
#   PYTHON=python3.11          interpreter whose pip resolves the wheels (default: python3)
#   PIP_PLATFORM=manylinux2014_x86_64  PIP_PYTHON_VERSION=3.11
#       cross-bundle for another target (binary wheels only). pydantic-core and libcst are
#       compiled, so a bundle runs on one platform + CPython minor version; package it with
#       `npx vsce package --target linux-x64 ...` to match.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
REPO="${1:-$(cd "$HERE/.." && pwd)}"
PY="${PYTHON:-python3}"
TARGET="$HERE/bundled/libs"

rm -rf "$TARGET"
mkdir -p "$TARGET"
args=(-m pip install --no-cache-dir --disable-pip-version-check --quiet --upgrade --target "$TARGET")
if [ -n "${PIP_PLATFORM:-}" ] || [ -n "${PIP_PYTHON_VERSION:-}" ]; then
  args+=(--only-binary=:all: --implementation cp)
  [ -n "${PIP_PLATFORM:-}" ] && args+=(--platform "$PIP_PLATFORM")
  [ -n "${PIP_PYTHON_VERSION:-}" ] && args+=(--python-version "$PIP_PYTHON_VERSION")
  # the project itself is a local sdist: build its wheel first (pure Python)
  WHEELS="$(mktemp -d)"
  trap 'rm -rf "$WHEELS"' EXIT
  "$PY" -m pip wheel --no-deps --quiet --wheel-dir "$WHEELS" "$REPO"
  "$PY" "${args[@]}" "$WHEELS"/*.whl
else
  # a non-editable install from the working tree (a copy: never touches the repo's build/ dir)
  SRC="$(mktemp -d)"
  trap 'rm -rf "$SRC"' EXIT
  (cd "$REPO" && tar --exclude=.git --exclude=.venv --exclude=client-vscode --exclude='*.egg-info' \
     --exclude=build --exclude=node_modules -cf - .) | (cd "$SRC" && tar -xf -)
  "$PY" "${args[@]}" "$SRC"
fi
find "$TARGET" -name __pycache__ -type d -prune -exec rm -rf {} +
rm -rf "$TARGET/bin"
PYTHONPATH="$TARGET" "$PY" -c "import resilint.server.serve, sys; print('bundled resilint for Python', sys.version.split()[0])" \
  || { [ -n "${PIP_PLATFORM:-}${PIP_PYTHON_VERSION:-}" ] && echo "(cross-bundle: not importable here, expected)"; }
du -sh "$TARGET"
