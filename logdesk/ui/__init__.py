"""The desktop window (PySide6 + pyqtgraph). Never imports pyspark or logdesk.engine."""
