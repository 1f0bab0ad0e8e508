"""Run pip with environment markers evaluated for another Python version.

``pip download --python-version X`` picks wheels for X but still evaluates
markers such as ``tomli; python_version < "3.11"`` against the Python running
pip, so dependencies that only older (or newer) Pythons need would be missed.
Usage: python pip_for_target.py X.Y pip-arguments...
"""
import runpy
import sys

from pip._vendor.packaging import markers

target = sys.argv.pop(1)
_default = markers.default_environment


def _environment():
    env = _default()
    env.update(python_version=target, python_full_version=target + ".0", implementation_version=target + ".0")
    return env


markers.default_environment = _environment
sys.argv[0] = "pip"
runpy.run_module("pip", run_name="__main__", alter_sys=True)
