"""Loaded by every Python process the tests start (this folder is put on
PYTHONPATH by tests/conftest.py): install the network guard, then run the
sitecustomize this one shadows, if any."""
import importlib.machinery
import importlib.util
import os
import sys

import copydesk_netguard

copydesk_netguard.install()

_here = os.path.dirname(os.path.abspath(__file__))
_rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _rest)
if _spec is not None and _spec.loader is not None:
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
