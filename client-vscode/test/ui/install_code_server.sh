#!/usr/bin/env bash
# Install code-server 4.100.3 (VS Code 1.100.3, the last code-server whose engines.node is 20)
# from the npm registry only. Debian 12, Node 20, running as root.
# apt prerequisites (once): apt-get update && apt-get install -y build-essential pkg-config \
#     libkrb5-dev libxkbfile-dev libsecret-1-dev ripgrep chromium
# Usage: install_code_server.sh DIR   -> DIR/node_modules/.bin/code-server
# SKIP_NATIVE=1 skips compiling VS Code's own native modules (spdlog, node-pty, kerberos, ...)
set -euo pipefail
DIR=${1:?usage: install_code_server.sh DIR}
export npm_config_nodedir=/usr      # node-gyp: use /usr/include/node, never download headers
export npm_config_yes=true          # node-pty's postinstall runs `npx node-gyp ...`
mkdir -p "$DIR" && cd "$DIR"
[ -f package.json ] || echo '{"name":"cs-host","private":true}' > package.json
# 1) --ignore-scripts: code-server's postinstall.sh would run `npm install` in lib/vscode, whose
#    @vscode/ripgrep postinstall downloads rg from api.github.com -> fails offline.
npm install --no-audit --no-fund --ignore-scripts code-server@4.100.3
VS="$DIR/node_modules/code-server/lib/vscode"
cd "$VS"
# 2) replicate postinstall.sh by hand
npm install --no-audit --no-fund --omit=dev --ignore-scripts
if [ "${SKIP_NATIVE:-0}" != 1 ]; then
  npm rebuild kerberos native-watchdog node-pty @vscode/deviceid @vscode/spdlog
fi
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg        # Debian's ripgrep 13
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --no-audit --no-fund --omit=dev)   # typescript for built-in TS ext
# 3) argon2 is require()d at startup by code-server (out/node/util.js) -> must be built
#    (node-pre-gyp fails to download the prebuilt, then --fallback-to-build compiles it)
(cd "$DIR" && npm rebuild argon2)
XDG_CONFIG_HOME="$DIR/.xdg/config" XDG_DATA_HOME="$DIR/.xdg/data" "$DIR/node_modules/.bin/code-server" --version
du -sh "$DIR/node_modules"
