#!/usr/bin/env sh
# Analyze a folder of logs (default: the bundled sample logs) with `logdesk process`,
# setting up .venv on first use. Arguments go to `logdesk process`, e.g.
#   build_scripts/run.sh ~/logs --out ~/reports --levels ERROR,CRITICAL
set -eu
exec python3 "$(dirname "$0")/bootstrap.py" run "$@"
