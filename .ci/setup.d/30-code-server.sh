#!/usr/bin/env bash
# code-server (VS Code in a browser) + headless Chromium + playwright-core, for the
# VS Code extension's end-to-end test (tests/test_vscode_e2e.py). Installed into a
# fixed prefix; the test finds it there (or via COPYDESK_CI_PREFIX).
# code-server 4.100.3 is the newest release that runs on Node 20.
set -euo pipefail
PREFIX="${COPYDESK_CI_PREFIX:-/opt/copydesk-ci}"
CS="$PREFIX/lib/node_modules/code-server"
STAMP="$PREFIX/.code-server-4.100.3.ok"
export DEBIAN_FRONTEND=noninteractive npm_config_unsafe_perm=true npm_config_yes=true
export npm_config_loglevel=error npm_config_fund=false npm_config_audit=false

need=()
for cmd in chromium rg g++ pkg-config; do command -v "$cmd" >/dev/null || need+=("$cmd"); done
if [ ${#need[@]} -gt 0 ] || [ ! -e /usr/include/krb5.h ]; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends build-essential pkg-config python3 libkrb5-dev \
    ripgrep chromium fonts-dejavu-core >/dev/null
fi

if [ ! -e "$STAMP" ]; then
  mkdir -p "$PREFIX"
  npm install -g --silent --prefix "$PREFIX" --ignore-scripts code-server@4.100.3 >/dev/null
  (cd "$CS" && npm rebuild --silent argon2 >/dev/null)
  (
    cd "$CS/lib/vscode"
    npm install --silent --omit=dev --ignore-scripts >/dev/null
    # @vscode/ripgrep's postinstall would download a binary: use Debian's.
    mkdir -p node_modules/@vscode/ripgrep/bin && cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
    npm rebuild --silent >/dev/null
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sfn code-linux.sh code-server)
    (cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
    (cd extensions && npm install --silent --omit=dev >/dev/null)
  )
  touch "$STAMP"
fi

if [ ! -d "$PREFIX/playwright/node_modules/playwright-core" ]; then
  mkdir -p "$PREFIX/playwright"
  (cd "$PREFIX/playwright" && npm install --silent --no-save playwright-core@1.56.1 >/dev/null)
fi
