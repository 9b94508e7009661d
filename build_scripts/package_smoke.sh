#!/bin/sh
# Build the packaged app and run its smoke test (tests/test_packaged_app.py, marker `packaged`)
# in the project venv. Needs a JDK 17+ (for jlink) and the project venv
# (python3 build_scripts/bootstrap.py setup). Extra arguments go to pytest.
set -eu
cd "$(dirname "$0")/.."
python3 build_scripts/build_app.py
if [ ! -x .venv/bin/pytest ]; then
    python3 build_scripts/bootstrap.py setup
fi
exec .venv/bin/pytest -m packaged tests/test_packaged_app.py -p no:cacheprovider "$@"
