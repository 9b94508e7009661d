from logdesk.cli import main

raise SystemExit(main())
