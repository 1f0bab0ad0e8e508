#!/usr/bin/env bash
# Neovim (Debian 12: 0.7.2) for the real-editor language server test.
set -euo pipefail
if command -v nvim >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends neovim >/dev/null
nvim --version | head -1
