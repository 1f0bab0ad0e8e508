#!/usr/bin/env bash
# Headless Chromium + playwright-core (as for the VS Code e2e test) and axe-core, for
# tests/test_report.py: the `copydesk report` page opened in a real browser and audited
# for accessibility (axe-core 4.14.1, MPL-2.0, used only by the test, never shipped).
set -euo pipefail
PREFIX="${COPYDESK_CI_PREFIX:-/opt/copydesk-ci}"
export DEBIAN_FRONTEND=noninteractive npm_config_loglevel=error npm_config_fund=false npm_config_audit=false
if ! command -v chromium >/dev/null; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
if [ ! -d "$PREFIX/playwright/node_modules/axe-core" ] || [ ! -d "$PREFIX/playwright/node_modules/playwright-core" ]; then
  mkdir -p "$PREFIX/playwright"
  # both at once: a later `npm install --no-save` would prune the other
  (cd "$PREFIX/playwright" && npm install --silent --no-save playwright-core@1.56.1 axe-core@4.14.1 >/dev/null)
fi
