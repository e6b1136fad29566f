"""The Scan dialog: an ID card or a code, from the camera (live preview) or an image file.

Nothing here decodes on the GUI thread. Camera frames go from the preview's video sink to a
`fieldreg.scanning.frame_worker.FrameWorker` (newest frame only, a few decodes a second, a payload
taken once it is seen on two frames); the worker turns each frame into a grayscale array on
its own thread. An image file is read and decoded on a short-lived thread of its own. Both
report back by queued signals.

A payload the form's scan parser recognises is emitted as `scanned(text)` and the dialog
closes; anything else is shown as "not recognised, it says: ..." and scanning goes on.
Without a camera the dialog says so plainly; the image file works the same either way.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QImage, QImageReader, QPixmap, QShowEvent
from PySide6.QtMultimedia import (
    QCamera,
    QCameraDevice,
    QMediaCaptureSession,
    QMediaDevices,
    QVideoFrame,
    QVideoFrameFormat,
)
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldreg.scanning.decode import DecodedPayload, ScanImageError, decode, decode_camera_frame
from fieldreg.scanning.frame_worker import FrameTiming, FrameWorker
from fieldreg.scanning.parse import printable_excerpt
from ui.seams import ScanParser
from ui.theme import CARD, LINE
from ui.widgets import button, primary_button, set_role, text_label

log = logging.getLogger("fieldreg.ui")

ImageChooser = Callable[[QWidget, str, str], Path | None]  # parent, title, filter
CameraList = Callable[[], Sequence[QCameraDevice]]
FrameDecoder = Callable[[np.ndarray], list[DecodedPayload]]
FileDecoder = Callable[[Path], list[DecodedPayload]]

PREVIEW_SIZE = QSize(640, 360)
SEEN_CHARS = 80
IMAGE_FILTER = "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp"


def choose_image_file(parent: QWidget, title: str, file_filter: str) -> Path | None:
    """The system's open-file dialog."""
    path, _ = QFileDialog.getOpenFileName(parent, title, "", file_filter)
    return Path(path) if path else None


_PIXEL = QVideoFrameFormat.PixelFormat
_LUMA_PLANE = frozenset(  # formats whose first plane is the 8-bit luma: already grayscale
    {
        _PIXEL.Format_NV12,
        _PIXEL.Format_NV21,
        _PIXEL.Format_YUV420P,
        _PIXEL.Format_YUV422P,
        _PIXEL.Format_YV12,
        _PIXEL.Format_IMC1,
        _PIXEL.Format_IMC2,
        _PIXEL.Format_IMC3,
        _PIXEL.Format_IMC4,
        _PIXEL.Format_Y8,
    }
)
_PACKED_LUMA = {_PIXEL.Format_YUYV: 0, _PIXEL.Format_UYVY: 1}  # luma every other byte
_RGB32 = (
    QImage.Format.Format_RGB32,
    QImage.Format.Format_ARGB32,
    QImage.Format.Format_ARGB32_Premultiplied,
)
# Byte positions of red, green, blue in a 32-bit 0xAARRGGBB pixel as it lies in memory.
_RGB_BYTES = (2, 1, 0) if sys.byteorder == "little" else (1, 2, 3)


def gray_array(frame: QVideoFrame | QImage) -> np.ndarray:
    """A camera frame (or a picture) as a 2-D uint8 array for the Qt-free decoder. Runs on
    the decoding thread: the luma plane of YUV frames as it is, otherwise the RGB pixels
    weighted with numpy (which lets the GUI thread run meanwhile)."""
    if isinstance(frame, QVideoFrame):
        luma = luma_plane(frame)
        if luma is not None:
            return luma
        frame = frame.toImage()
    return image_gray(frame)


def luma_plane(frame: QVideoFrame) -> np.ndarray | None:
    """The Y plane of a YUV frame (copied), or None for other formats or unmappable frames."""
    pixel_format = frame.pixelFormat()
    if pixel_format in _LUMA_PLANE:
        offset, step = 0, 1
    elif pixel_format in _PACKED_LUMA:
        offset, step = _PACKED_LUMA[pixel_format], 2
    else:
        return None
    mapped = QVideoFrame(frame)  # a handle of its own; the preview keeps using the frame
    if not mapped.map(QVideoFrame.MapMode.ReadOnly):
        return None
    try:
        height, width, stride = mapped.height(), mapped.width(), mapped.bytesPerLine(0)
        rows = np.frombuffer(mapped.bits(0), np.uint8, stride * height).reshape(height, stride)
        return np.array(rows[:, offset : offset + step * width : step])  # copied before unmap
    finally:
        mapped.unmap()


def image_gray(image: QImage) -> np.ndarray:
    if image.isNull():
        return np.zeros((0, 0), np.uint8)
    if image.format() == QImage.Format.Format_Grayscale8:
        return np.array(_rows(image, 1))
    if image.format() not in _RGB32:
        image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = _rows(image, 4).reshape(image.height(), image.width(), 4)
    red, green, blue = (pixels[:, :, i].astype(np.uint16) for i in _RGB_BYTES)
    return ((red * 77 + green * 150 + blue * 29) >> 8).astype(np.uint8)  # weights sum to 256


def _rows(image: QImage, bytes_per_pixel: int) -> np.ndarray:
    """The image's pixel bytes, row padding cut off (a view: copy before the image goes)."""
    height, stride = image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, stride * height).reshape(height, stride)
    return rows[:, : image.width() * bytes_per_pixel]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """What the dialog uses from outside; tests pass stand-ins."""

    choose_image: ImageChooser = choose_image_file
    cameras: CameraList = QMediaDevices.videoInputs
    frame_timing: FrameTiming = field(default_factory=FrameTiming)
    monotonic: Callable[[], float] = time.monotonic
    frame_decoder: FrameDecoder = decode_camera_frame
    file_decoder: FileDecoder = decode
    camera_start_ms: int = 8000  # a camera showing nothing by then is not working


@dataclass(frozen=True, slots=True)
class FileOutcome:
    path: Path
    payloads: list[DecodedPayload]
    error: str | None = None
    picture: QImage | None = None


class _Bridge(QObject):
    """Signals the decoding threads emit, queued onto the GUI thread's dialog. The threads
    hold the bridge, never the dialog: one finishing after the dialog is gone emits into
    nothing. It receives no events, so whichever thread lets go of it last may free it."""

    payload = Signal(object)  # DecodedPayload
    frame_error = Signal(str)
    file_read = Signal(object)  # FileOutcome


class ScanDialog(QDialog):
    scanned = Signal(str)

    def __init__(
        self,
        parser: ScanParser,
        parent: QWidget | None = None,
        *,
        options: ScanOptions | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scan_dialog")
        self._parser = parser
        self._options = options or ScanOptions()
        self._closed = False
        self._camera_state = "none"  # none, starting, live, failed
        self._reading_file = False
        self._devices: list[QCameraDevice] = []
        self.camera: QCamera | None = None
        self._session: QMediaCaptureSession | None = None
        self.frames_seen = 0
        self._frames_before_start = 0
        self._start_watch = QTimer(self)
        self._start_watch.setSingleShot(True)
        self._start_watch.timeout.connect(self._check_camera_started)
        self._bridge = _Bridge()
        self._bridge.payload.connect(self._on_payload)
        self._bridge.frame_error.connect(self._on_frame_error)
        self._bridge.file_read.connect(self._on_file_read)
        frame_decoder, bridge = self._options.frame_decoder, self._bridge
        self.worker = FrameWorker(  # its callbacks hold the bridge, not the dialog
            lambda frame: frame_decoder(gray_array(frame)),
            lambda payload: bridge.payload.emit(payload),
            timing=self._options.frame_timing,
            clock=self._options.monotonic,
            on_error=lambda code: bridge.frame_error.emit(code),
        )
        self.worker.start()
        self._build()
        self._find_cameras()
        self.retranslate()

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = text_label("title")
        self.camera_choice = QComboBox()
        self.camera_choice.hide()
        self.camera_choice.currentIndexChanged.connect(self._camera_chosen)
        self.video = QVideoWidget()
        self.video.setMinimumSize(PREVIEW_SIZE)
        self.video.videoSink().videoFrameChanged.connect(self.on_video_frame)
        self.message = text_label()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setMargin(24)
        set_role(self.message, "subtitle")
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view = QStackedWidget()
        self.view.setObjectName("scan_view")
        self.view.setStyleSheet(  # the preview's place, also while it shows no picture
            f"QStackedWidget#scan_view {{ background: {CARD}; border: 1px solid {LINE};"
            " border-radius: 6px; }"
        )
        self.view.setMinimumSize(PREVIEW_SIZE)
        for page in (self.message, self.video, self.picture):
            self.view.addWidget(page)
        self.status = text_label("hint")
        self.hand_scanner_hint = text_label("hint")
        self.choose_button = primary_button()
        self.choose_button.clicked.connect(self.choose_picture)
        self.close_button = button()
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.camera_choice)
        buttons.addStretch(1)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.close_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(20, 16, 20, 16)
        column.setSpacing(10)
        column.addWidget(self.heading)
        column.addWidget(self.view, 1)
        column.addWidget(self.status)
        column.addWidget(self.hand_scanner_hint)
        column.addLayout(buttons)
        self.choose_button.setFocus()

    # -- camera ------------------------------------------------------------------------------

    def _find_cameras(self) -> None:
        self._devices = list(self._options.cameras())
        if not self._devices:
            return
        default = QMediaDevices.defaultVideoInput()
        ids = [device.id() for device in self._devices]
        first = ids.index(default.id()) if default.id() in ids else 0
        self.camera_choice.blockSignals(True)
        for device in self._devices:
            self.camera_choice.addItem(device.description())
        self.camera_choice.setCurrentIndex(first)
        self.camera_choice.blockSignals(False)
        self.camera_choice.setVisible(len(self._devices) > 1)
        self._camera_state = "starting"

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._camera_state == "starting" and self.camera is None:
            self._use_camera(self.camera_choice.currentIndex())

    def _camera_chosen(self, index: int) -> None:
        if self.isVisible() and 0 <= index < len(self._devices):
            self._use_camera(index)

    def _use_camera(self, index: int) -> None:
        self._stop_camera()
        camera = QCamera(self._devices[index], self)
        camera.errorOccurred.connect(self.camera_failed)
        camera.activeChanged.connect(self._camera_active)
        session = QMediaCaptureSession(self)
        session.setCamera(camera)
        session.setVideoOutput(self.video)
        self.camera, self._session = camera, session
        self._camera_state = "starting"
        self._frames_before_start = self.frames_seen
        self._render_state()
        camera.start()
        if camera.error() != QCamera.Error.NoError:  # some backends say so without a signal
            self.camera_failed(camera.error(), camera.errorString())
            return
        self._start_watch.start(self._options.camera_start_ms)

    def _check_camera_started(self) -> None:
        if self.camera is not None and self.frames_seen == self._frames_before_start:
            self.camera_failed(QCamera.Error.CameraError, "no frames from the camera")

    @Slot(bool)
    def _camera_active(self, active: bool) -> None:
        if active and self._camera_state == "starting":
            self._camera_state = "live"
            self._render_state()

    @Slot(QCamera.Error, str)
    def camera_failed(self, error: QCamera.Error, detail: str) -> None:
        """The camera could not start or stopped: say so; the picture file still works."""
        if error == QCamera.Error.NoError:
            return
        log.warning("camera failed: %s (%s)", error, detail)  # logs stay English
        self._stop_camera()
        self._camera_state = "failed"
        self._render_state()

    def _stop_camera(self) -> None:
        self._start_watch.stop()
        camera, session = self.camera, self._session
        self.camera, self._session = None, None
        if camera is not None:
            camera.errorOccurred.disconnect(self.camera_failed)
            camera.stop()
            camera.deleteLater()
        if session is not None:
            session.setCamera(None)  # type: ignore[arg-type]  # None detaches, as in C++
            session.deleteLater()

    # -- frames ------------------------------------------------------------------------------

    @Slot(QVideoFrame)
    def on_video_frame(self, frame: QVideoFrame) -> None:
        """Every frame the preview shows: handed to the decoding worker, which keeps only
        the newest. Costs the GUI thread a lock and an assignment."""
        if self._closed or not frame.isValid():
            return
        self.frames_seen += 1
        if self.frames_seen == 1:
            self._render_state()
        self.worker.submit(frame)

    @Slot(object)
    def _on_payload(self, payload: DecodedPayload) -> None:
        if not self._closed:
            self.take_text(payload.text)

    @Slot(str)
    def _on_frame_error(self, code: str) -> None:
        log.warning("a camera frame could not be decoded: %s", code)

    def take_text(self, text: str) -> bool:
        """Decoded text from the camera or a picture: fills the form when the parser knows
        it, else the dialog says what it saw and keeps looking."""
        if self._parser.fields_from_text(text) is None:
            seen = printable_excerpt(text, SEEN_CHARS)
            self._show_status(
                self.tr("This code is not an ID card or a FieldReg code. It says: {seen}").format(
                    seen=seen
                ),
                "notice",
            )
            return False
        self.scanned.emit(text)
        self.accept()
        return True

    # -- picture files -----------------------------------------------------------------------

    def choose_picture(self) -> None:
        if self._reading_file:
            return
        file_filter = self.tr("Pictures") + f" ({IMAGE_FILTER})"
        path = self._options.choose_image(
            self, self.tr("Choose a picture of the code"), file_filter
        )
        if path is None:
            return
        self.read_picture(path)

    def read_picture(self, path: Path) -> None:
        """Decode a picture file on a thread of its own; the answer comes by signal."""
        self._reading_file = True
        self.choose_button.setEnabled(False)
        self._show_status(self.tr("Reading the picture..."), "hint")
        decoder, bridge = self._options.file_decoder, self._bridge

        def work() -> None:  # holds the bridge until it has answered
            bridge.file_read.emit(read_picture_file(path, decoder))

        threading.Thread(target=work, name="scan-picture", daemon=True).start()

    @Slot(object)
    def _on_file_read(self, outcome: FileOutcome) -> None:
        if self._closed:
            return
        self._reading_file = False
        self.choose_button.setEnabled(True)
        if outcome.picture is not None and not outcome.picture.isNull():
            self.picture.setPixmap(QPixmap.fromImage(outcome.picture))
            self.view.setCurrentWidget(self.picture)
        if outcome.error is not None:
            self._show_status(self.tr("This file is not a picture FieldReg can read."), "notice")
            return
        if not outcome.payloads:
            self._show_status(
                self.tr(
                    "No code was found in this picture. Try a sharper picture, taken closer "
                    "and straight on."
                ),
                "notice",
            )
            return
        for payload in outcome.payloads:
            if self._parser.fields_from_text(payload.text) is not None:
                self.take_text(payload.text)
                return
        self.take_text(outcome.payloads[0].text)

    # -- closing -----------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self._shut_down()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._shut_down()
        super().closeEvent(event)

    def _shut_down(self) -> None:
        """Camera off, decoding worker told to stop (it ends after its current frame,
        without the GUI thread waiting for it)."""
        if self._closed:
            return
        self._closed = True
        self._stop_camera()
        self.worker.stop(timeout=0)

    # -- display -----------------------------------------------------------------------------

    def _render_state(self) -> None:
        if self.frames_seen and self._camera_state != "failed":
            self.view.setCurrentWidget(self.video)
            self._show_status(self.tr("Hold the code still, in the middle of the picture."))
            return
        if self._camera_state == "none":
            text = self.tr("No camera was found on this computer.")
            status = self.tr("Choose a picture of the ID card or code instead.")
        elif self._camera_state == "failed":
            text = self.tr("The camera is not working.")
            status = self.tr(
                "Check that no other program uses it, or choose a picture of the code instead."
            )
        else:
            text = self.tr("Starting the camera...")
            status = self.tr("Hold the back of the ID card or the code in front of the camera.")
        self.message.setText(text)
        if self.view.currentWidget() is not self.picture:
            self.view.setCurrentWidget(self.message)
        self._show_status(status)

    def _show_status(self, text: str, role: str = "hint") -> None:
        self.status.setText(text)
        set_role(self.status, role)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Scan"))
        self.heading.setText(self.tr("Scan an ID card or a code"))
        self.video.setAccessibleName(self.tr("Camera picture"))
        self.camera_choice.setAccessibleName(self.tr("Camera"))
        self.hand_scanner_hint.setText(
            self.tr("A hand scanner works too: scan with it at any time, into any field.")
        )
        self.choose_button.setText(self.tr("Choose a picture..."))
        self.close_button.setText(self.tr("Close"))
        self._render_state()


def read_picture_file(path: Path, decoder: FileDecoder) -> FileOutcome:
    """Runs off the GUI thread: the codes in a picture file, and a small copy to show."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(PREVIEW_SIZE, Qt.AspectRatioMode.KeepAspectRatio))
    picture = reader.read()
    try:
        payloads = decoder(path)
    except ScanImageError as error:
        return FileOutcome(path, [], error.code, picture)
    except Exception:  # a decoder bug must not leave the dialog waiting forever
        log.exception("decoding a picture failed")
        return FileOutcome(path, [], "decoder_failed", picture)
    return FileOutcome(path, payloads, None, picture)
