"""The packaged app's entry point (the script PyInstaller freezes, see logdesk.spec).

First the frozen-environment set-up: the bundled Spark and Java, and `logdesk -m MODULE` for
Spark's Python workers; then the ordinary `logdesk` command.
"""

import sys

from logdesk import frozen

if __name__ == "__main__":
    module_exit_code = frozen.prepare()
    if module_exit_code is not None:
        sys.exit(module_exit_code)

    from logdesk.cli import main

    sys.exit(main())
