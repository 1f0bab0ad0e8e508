#!/usr/bin/env bash
# Node dependencies of the VS Code extension (esbuild, vsce, vscode-languageclient),
# from package-lock.json; the tests build the .vsix with them (npm run package).
set -euo pipefail
cd "$(dirname "$0")/../../editors/vscode"
export npm_config_loglevel=error npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
if [ ! -x node_modules/.bin/vsce ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --silent >/dev/null
fi
