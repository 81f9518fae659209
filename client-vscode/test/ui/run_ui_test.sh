#!/usr/bin/env bash
# Real VS Code UI test (not run in CI): code-server 4.100.x (VS Code 1.100) + headless Chromium
# driven by playwright-core. Installs the built .vsix, opens a copy of the repository's examples/,
# and asserts the resilint squiggle, the Problems panel row, the hover text, that
# "resilint: Fix All" lowers the problem count, and that "resilint: Check Workspace" checks
# every .py file of the folder. Then (nb_check.mjs) a Jupyter notebook: the squiggle in the cell
# that uses a session built in an earlier cell, and the quick fix applied to that cell.
# Screenshots go to client-vscode/test/ui/screenshots/.
#
#   bash client-vscode/test/ui/run_ui_test.sh
#
# Environment:
#   WORK=client-vscode/test/ui/.work   code-server, playwright-core and run folders (git-ignored)
#   PYTHON=python3                     interpreter for resilint.interpreter (needs Python 3.10+;
#                                      with a bundled .vsix it only runs bundled/libs)
#   IMPORT_STRATEGY=useBundled|fromEnvironment
#   VSIX=client-vscode/resilint.vsix   (built with `npm ci && npm run package` when missing)
#   SKIP_INSTALL=1                     do not apt-get/npm install anything
#   SKIP_NOTEBOOK=1 / ONLY_NOTEBOOK=1  skip the notebook check / run only it
# Debian 12 + Node 20, root for apt-get. First run: ~5-10 min (npm + apt); then ~20 s.
set -euo pipefail
UI="$(cd "$(dirname "$0")" && pwd)"
EXT="$(cd "$UI/../.." && pwd)"
REPO="$(cd "$EXT/.." && pwd)"
WORK="${WORK:-$UI/.work}"
PORT="${PORT:-18123}"
PYTHON="${PYTHON:-$(command -v python3)}"
IMPORT_STRATEGY="${IMPORT_STRATEGY:-useBundled}"
VSIX="${VSIX:-$EXT/resilint.vsix}"
CS="$WORK/cs/node_modules/.bin/code-server"
PW="$WORK/pw/node_modules"
CHROMIUM="${CHROMIUM:-/usr/lib/chromium/chromium}"
mkdir -p "$WORK" "$UI/screenshots"

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  missing=()
  [ -x "$CHROMIUM" ] || missing+=(chromium)
  command -v rg >/dev/null || missing+=(ripgrep)
  for p in build-essential pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "ui-test: apt-get install ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  [ -x "$CS" ] || bash "$UI/install_code_server.sh" "$WORK/cs"
  if [ ! -d "$PW/playwright-core" ]; then
    mkdir -p "$WORK/pw" && (cd "$WORK/pw" && echo '{"private":true}' > package.json \
      && npm install --no-audit --no-fund playwright-core@1)
  fi
  [ -f "$VSIX" ] || (cd "$EXT" && npm ci && npm run package)
fi

D="$(mktemp -d "$WORK/run.XXXX")"
mkdir -p "$D/user/User" "$D/ext"
# a copy of examples/: fix all (and VS Code's files.refactoring.autoSave) must never touch the repo
cp -r "$REPO/examples" "$D/examples"
# a notebook (nbformat 4.5, as Jupyter writes it): cell 1 builds the session, cell 3 uses it
cat > "$D/examples/fetch_notebook.ipynb" <<'NB'
{
 "cells": [
  {"cell_type": "code", "execution_count": null, "id": "c1", "metadata": {}, "outputs": [],
   "source": ["import os\n", "import requests\n", "\n", "url = os.environ[\"PAGE_URL\"]\n", "session = requests.Session()"]},
  {"cell_type": "markdown", "id": "c2", "metadata": {}, "source": ["# Fetch the page"]},
  {"cell_type": "code", "execution_count": null, "id": "c3", "metadata": {}, "outputs": [],
   "source": ["%time x = 1\n", "r = session.get(url)\n", "print(r.status_code)"]}
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
              "language_info": {"name": "python"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
NB
export XDG_CONFIG_HOME="$D/xdg/config" XDG_DATA_HOME="$D/xdg/data" XDG_CACHE_HOME="$D/xdg/cache" XDG_STATE_HOME="$D/xdg/state"
cat > "$D/user/User/settings.json" <<JSON
{ "workbench.startupEditor": "none", "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false, "update.mode": "none", "workbench.enableExperiments": false,
  "chat.disableAIFeatures": true, "workbench.tips.enabled": false,
  "git.openRepositoryInParentFolders": "never", "git.enabled": false,
  "files.autoSave": "off", "files.refactoring.autoSave": false,
  "editor.hover.delay": 150, "window.zoomLevel": 0,
  "resilint.interpreter": ["$PYTHON"], "resilint.importStrategy": "$IMPORT_STRATEGY",
  "resilint.logLevel": "debug", "resilint.trace.server": "${TRACE:-off}",
  "resilint.unsafeFixes": ${UNSAFE_FIXES:-true} }
JSON
# unsafeFixes: every fix the examples offer (timeouts, backoff) can change behaviour, so it is
# unsafe, as ruff would class it; "Fix All" applies those only with resilint.unsafeFixes on.
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$D/config.yaml"
T0=$(date +%s)
"$CS" --config "$D/config.yaml" --user-data-dir "$D/user" --extensions-dir "$D/ext" \
      --install-extension "$VSIX" >"$D/install.log" 2>&1 || { cat "$D/install.log"; exit 2; }
"$CS" --config "$D/config.yaml" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry \
      --disable-update-check --disable-workspace-trust --disable-getting-started-override \
      --user-data-dir "$D/user" --extensions-dir "$D/ext" >"$D/cs.log" 2>&1 &
CSPID=$!
trap 'kill "$CSPID" 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
rc=0
if [ "${ONLY_NOTEBOOK:-0}" != 1 ]; then
CS_URL="http://127.0.0.1:$PORT" WS="$D/examples" FILE="payments_client.py" OUT="$UI/screenshots" \
  EXPECT_FILES="$(find "$D/examples" -name '*.py' | wc -l)" \
  RUN_DIR="$D" CHROMIUM="$CHROMIUM" NODE_PATH="$PW" timeout 240 node "$UI/ui_check.mjs" || rc=$?
fi
if [ "${SKIP_NOTEBOOK:-0}" != 1 ]; then
  CS_URL="http://127.0.0.1:$PORT" WS="$D/examples" NOTEBOOK="fetch_notebook.ipynb" OUT="$UI/screenshots" \
    CHROMIUM="$CHROMIUM" NODE_PATH="$PW" timeout 240 node "$UI/nb_check.mjs" || rc=$?
fi
kill "$CSPID" 2>/dev/null || true; wait "$CSPID" 2>/dev/null || true
echo "exit=$rc in $(( $(date +%s) - T0 ))s; logs in $D; screenshots in $UI/screenshots"
exit $rc
