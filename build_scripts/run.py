#!/usr/bin/env python3
"""Analyze a folder of logs (default: the bundled sample logs) with `logdesk process`,
setting up .venv on first use. The same as run.sh, for any system (e.g. `py build_scripts\\run.py`
on Windows). Arguments go to `logdesk process`."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bootstrap import main  # noqa: E402 - importable only once the path is set

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))
