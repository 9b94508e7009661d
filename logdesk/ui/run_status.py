"""What a run is doing, in the main area: the folder, whether the dashboard below is the
previous folder's, the stage, a progress bar, what the stage has done (files described,
Spark tasks done), time spent and an estimate of the rest, and Cancel — from the moment a
folder is dropped, Spark still starting included."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from logdesk.ui.plain_text import plain_label

# an estimate needs some progress to go on; before that it would be noise
ESTIMATE_AFTER_FRACTION = 0.05
ESTIMATE_AFTER_SECONDS = 2.0


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def time_text(elapsed: float, fraction: float) -> str:
    """"12 s so far, about 30 s left" (no estimate until there is progress to go on)."""
    text = f"{_duration(elapsed)} so far"
    if fraction >= ESTIMATE_AFTER_FRACTION and elapsed >= ESTIMATE_AFTER_SECONDS and fraction < 1:
        text += f", about {_duration(elapsed * (1 - fraction) / fraction)} left"
    return text


class RunStatusPanel(QFrame):
    cancel_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("runStatus")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = plain_label("")
        self.title.setObjectName("runStatusTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.note = plain_label("")
        self.note.setObjectName("runStatusNote")
        self.note.setWordWrap(True)
        self.stage = plain_label("")
        self.stage.setObjectName("runStatusStage")
        self.detail = plain_label("")  # "1,200 of 20,000 files described"
        self.detail.setObjectName("runStatusDetail")
        self.times = plain_label("")
        self.times.setObjectName("runStatusTimes")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("runStatusCancel")
        self.cancel_button.setToolTip("Stop this run (Esc); the dashboard keeps what it shows")
        self.cancel_button.clicked.connect(self.cancel_requested)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.cancel_button)
        middle = QHBoxLayout()
        middle.addWidget(self.stage)
        middle.addWidget(self.bar, 1)
        middle.addWidget(self.times)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addLayout(middle)
        layout.addWidget(self.detail)
        self._started = 0.0
        self._fraction = 0.0
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self.hide()

    def show_waiting(self, folder: str, shown: str | None) -> None:
        """Spark is still starting: the run begins when it is ready."""
        self._begin(f"Waiting for Spark to start, then processing {folder}", folder, shown)
        self.stage.setText("Spark starting…")
        self.detail.setText("")
        self.bar.setRange(0, 0)  # busy: no fraction to show yet

    def show_running(self, folder: str, shown: str | None, refresh: bool = False) -> None:
        verb = "Refreshing" if refresh else "Processing"
        if not self.isVisible() or self.bar.maximum() == 0 or not refresh:
            self._begin(f"{verb} {folder}", folder, shown)
        self.title.setText(f"{verb} {folder}")
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.stage.setText("Starting…")
        self.detail.setText("")

    def _begin(self, title: str, folder: str, shown: str | None) -> None:
        self.title.setText(title)
        if shown and shown != folder:
            self.note.setText(f"The dashboard below still shows {shown} until this run ends.")
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))
        self._started = time.monotonic()
        self._fraction = 0.0
        self.times.setText(time_text(0, 0))
        self.cancel_button.setEnabled(True)
        self._ticker.start()
        self.show()

    def set_progress(self, stage: str, fraction: float, detail: str = "") -> None:
        """`detail`: what the stage has done so far ("" at a stage's start and end: the
        previous stage's detail would be wrong there)."""
        self._fraction = max(0.0, min(1.0, fraction))
        self.stage.setText(f"{stage} — {self._fraction:.0%}")
        self.detail.setText(detail)
        self.bar.setValue(int(self._fraction * 1000))
        self._tick()

    def cancelling(self) -> None:
        self.stage.setText("Cancelling…")
        self.cancel_button.setEnabled(False)

    def finish(self) -> None:
        self._ticker.stop()
        self.hide()

    def _tick(self) -> None:
        self.times.setText(time_text(time.monotonic() - self._started, self._fraction))


def busy_page() -> QWidget:
    """The main area's page while the first folder is read (instead of the drop hint)."""
    page = QWidget()
    page.setObjectName("busyPage")
    label = plain_label("Reading the logs…")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    label.setFont(font)
    label.setObjectName("busyLabel")
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(2)
    return page
