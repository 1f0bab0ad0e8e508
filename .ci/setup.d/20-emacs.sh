#!/usr/bin/env bash
# Emacs 28 + eglot, for tests/test_editor_emacs.py (batch mode).
set -euo pipefail
if command -v emacs >/dev/null && [ -d /usr/share/emacs/site-lisp/elpa/eglot* ] 2>/dev/null; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends emacs-nox elpa-eglot >/dev/null
