"""The Scan dialog: picture files and camera frames, decoded off the GUI thread, filling the
form with fields marked as scanned. There is no camera here: frames go into the preview's
video sink, exactly where the camera puts them."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QCamera, QCameraDevice, QVideoFrame, QVideoFrameFormat
from PySide6.QtWidgets import QApplication

from fieldreg.scanning.decode import DecodedPayload, decode, decode_camera_frame
from fieldreg.scanning.frame_worker import FrameTiming
from tests.factories import FakeClock
from tests.gui.conftest import FakeMonotonic, start_working, wait_idle
from tests.gui.test_scanning_parser import KHMER_TD1
from tests.scan_images import on_canvas, qr_image
from ui.scan_dialog import ScanDialog, ScanOptions, gray_array
from ui.scan_parser import PayloadScanParser

WAIT_MS = 10_000


def write_picture(path: Path, array: np.ndarray | Image.Image) -> Path:
    image = array if isinstance(array, Image.Image) else Image.fromarray(array)
    image.save(path)
    return path


def qimage(array: np.ndarray) -> QImage:
    """A grayscale picture as the camera would hand it over (32-bit RGB)."""
    height, width = array.shape
    gray = QImage(array.tobytes(), width, height, width, QImage.Format.Format_Grayscale8)
    return gray.convertToFormat(QImage.Format.Format_RGB32)


class Threads:
    """Decoders that note which thread they ran on."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def frame(self, gray: np.ndarray) -> list[DecodedPayload]:
        self.seen.add(threading.current_thread().name)
        return decode_camera_frame(gray)

    def file(self, path: Path) -> list[DecodedPayload]:
        self.seen.add(threading.current_thread().name)
        return decode(path)


def no_camera(**changes: Any) -> ScanOptions:
    return ScanOptions(cameras=list, **changes)


def open_dialog(qtbot: Any, options: ScanOptions) -> ScanDialog:
    dialog = ScanDialog(PayloadScanParser(FakeClock()), options=options)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# -- through the form ------------------------------------------------------------------------


def test_an_id_card_picture_fills_the_form_marked_as_scanned(
    qtbot, make_window, store, clock, tmp_path: Path
) -> None:
    picture = write_picture(tmp_path / "id.png", qr_image(KHMER_TD1, scale=5))
    threads = Threads()
    window = make_window(scan_parser=PayloadScanParser(clock))
    start_working(qtbot, window)
    register = window.register
    chosen: list[str] = []

    def choose(_parent: Any, title: str, file_filter: str) -> Path:
        chosen.append(file_filter)
        return picture

    register.scan_options = no_camera(choose_image=choose, file_decoder=threads.file)
    assert register.scan_button.isEnabled()
    register.scan_button.click()
    dialog = register.scan_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.message.text() == "No camera was found on this computer."
    dialog.choose_button.click()
    qtbot.waitUntil(lambda: register.scan_dialog is None, timeout=WAIT_MS)

    fields = register.fields
    assert fields.lines["id_number"].text() == "123456789"
    assert fields.lines["name_en"].text() == "SOK DARA"
    assert fields.lines["date_of_birth"].text() == "15/01/1990"
    assert fields.combos["sex"].currentData() == "F"
    assert fields.scanned == {"id_type", "id_number", "name_en", "sex", "date_of_birth"}
    assert fields.lines["id_number"].property("scanned") is True
    assert "Filled from the scan" in register.notice.text()
    assert window.focusWidget() is fields.lines["name_km"]  # what the card's zone does not say
    assert threads.seen and threading.main_thread().name not in threads.seen
    assert "*.png" in chosen[0]
    wait_idle(qtbot, window)


def test_a_code_that_is_not_a_registration_is_shown_and_the_dialog_stays(
    qtbot, tmp_path: Path
) -> None:
    receipt_like = write_picture(tmp_path / "other.png", qr_image("HELLO TENT 42", scale=5))
    dialog = open_dialog(qtbot, no_camera(choose_image=lambda *_a: receipt_like))
    dialog.choose_button.click()
    qtbot.waitUntil(lambda: dialog.choose_button.isEnabled(), timeout=WAIT_MS)
    assert "not an ID card" in dialog.status.text()
    assert "HELLO TENT 42" in dialog.status.text()
    assert dialog.isVisible()
    assert dialog.view.currentWidget() is dialog.picture  # the picture it read is shown


def test_a_picture_without_a_code_and_a_file_that_is_no_picture(qtbot, tmp_path: Path) -> None:
    blank = write_picture(tmp_path / "blank.png", np.full((200, 300), 230, np.uint8))
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("not a picture", "utf-8")
    files = iter([blank, not_a_picture, None])
    dialog = open_dialog(qtbot, no_camera(choose_image=lambda *_a: next(files)))
    dialog.choose_button.click()
    qtbot.waitUntil(lambda: "No code was found" in dialog.status.text(), timeout=WAIT_MS)
    dialog.choose_button.click()
    qtbot.waitUntil(lambda: "not a picture" in dialog.status.text(), timeout=WAIT_MS)
    dialog.choose_button.click()  # cancelled: nothing changes
    assert "not a picture" in dialog.status.text() and dialog.isVisible()


# -- camera ----------------------------------------------------------------------------------


def test_without_a_camera_the_dialog_says_so(qtbot) -> None:
    dialog = open_dialog(qtbot, no_camera())
    assert dialog.camera is None
    assert dialog.view.currentWidget() is dialog.message
    assert dialog.message.text() == "No camera was found on this computer."
    assert "Choose a picture" in dialog.status.text()
    assert dialog.choose_button.isEnabled() and dialog.focusWidget() is dialog.choose_button
    assert not dialog.camera_choice.isVisible()


class HeldSecondFrame(Threads):
    """A frame decoder that holds the second frame until released: by the time it is called,
    everything the first frame caused has been handed to the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.second_started = threading.Event()
        self.release = threading.Event()

    def frame(self, gray: np.ndarray) -> list[DecodedPayload]:
        self.calls += 1
        if self.calls == 2:
            self.second_started.set()
            self.release.wait(WAIT_MS / 1000)
        return super().frame(gray)


def test_camera_frames_are_decoded_off_the_gui_thread_and_need_two_sightings(qtbot) -> None:
    decoder = HeldSecondFrame()
    timing = FrameTiming(interval_s=0.0)
    dialog = open_dialog(
        qtbot,
        no_camera(frame_decoder=decoder.frame, frame_timing=timing, monotonic=FakeMonotonic()),
    )
    scans: list[str] = []
    dialog.scanned.connect(scans.append)
    sink = dialog.video.videoSink()
    picture = qimage(on_canvas(qr_image(KHMER_TD1, scale=4), size=(1280, 720)))

    sink.setVideoFrame(QVideoFrame(picture))  # what the camera does with each new frame
    qtbot.waitUntil(lambda: dialog.worker.frames_decoded == 1, timeout=WAIT_MS)
    sink.setVideoFrame(QVideoFrame(picture))
    qtbot.waitUntil(decoder.second_started.is_set, timeout=WAIT_MS)
    QApplication.processEvents()  # whatever the first sighting sent is delivered now
    assert scans == [] and dialog.isVisible()  # one sighting is not enough
    assert dialog.view.currentWidget() is dialog.video
    assert "Hold the code still" in dialog.status.text()

    decoder.release.set()
    qtbot.waitUntil(lambda: scans == [KHMER_TD1], timeout=WAIT_MS)
    assert not dialog.isVisible()  # done: the form fills in
    assert decoder.seen == {"frame-decoder"}  # never the GUI thread


def test_a_camera_code_that_is_not_a_registration_keeps_the_camera_looking(qtbot) -> None:
    dialog = open_dialog(
        qtbot, no_camera(frame_timing=FrameTiming(interval_s=0.0), monotonic=FakeMonotonic())
    )
    picture = qimage(on_canvas(qr_image("just a shop's QR", scale=4)))
    for decoded in (1, 2):
        dialog.video.videoSink().setVideoFrame(QVideoFrame(picture))
        qtbot.waitUntil(lambda n=decoded: dialog.worker.frames_decoded == n, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "just a shop's QR" in dialog.status.text(), timeout=WAIT_MS)
    assert dialog.isVisible()


def test_a_failing_camera_is_reported_and_pictures_still_work(qtbot, tmp_path: Path) -> None:
    picture = write_picture(tmp_path / "id.png", qr_image(KHMER_TD1, scale=5))
    dialog = open_dialog(qtbot, no_camera(choose_image=lambda *_a: picture))
    scans: list[str] = []
    dialog.scanned.connect(scans.append)
    dialog.camera_failed(QCamera.Error.CameraError, "device busy")
    assert dialog.message.text() == "The camera is not working."
    assert "no other program" in dialog.status.text()
    dialog.choose_button.click()
    qtbot.waitUntil(lambda: scans == [KHMER_TD1], timeout=WAIT_MS)


def test_a_camera_that_shows_nothing_is_called_not_working(qtbot, caplog) -> None:
    """Two cameras that are not there (null devices): the dialog offers the choice, tries
    each, and says plainly when one gives no picture."""
    options = ScanOptions(cameras=lambda: [QCameraDevice(), QCameraDevice()], camera_start_ms=50)
    dialog = open_dialog(qtbot, options)
    assert dialog.camera_choice.isVisible() and dialog.camera_choice.count() == 2
    qtbot.waitUntil(lambda: dialog.message.text() == "The camera is not working.")
    assert dialog.camera is None and dialog.choose_button.isEnabled()
    caplog.clear()
    dialog.camera_choice.setCurrentIndex(1)  # the other camera is tried, and fails too
    qtbot.waitUntil(lambda: "camera failed" in caplog.text)
    dialog.reject()
    assert dialog.camera is None  # stopped when the dialog closes


def test_closing_stops_the_decoding_worker(qtbot) -> None:
    dialog = open_dialog(qtbot, no_camera())
    dialog.close()
    frames = dialog.frames_seen
    dialog.on_video_frame(QVideoFrame(qimage(np.zeros((90, 160), np.uint8))))
    assert dialog.frames_seen == frames  # a closed dialog takes no more frames
    thread = dialog.worker._thread
    assert thread is not None
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=WAIT_MS)


def test_the_dialog_in_khmer(qtbot, make_window, store, clock) -> None:
    window = make_window("km", scan_parser=PayloadScanParser(clock))
    start_working(qtbot, window)
    window.register.scan_options = no_camera()
    window.register.scan_button.click()
    dialog = window.register.scan_dialog
    assert dialog is not None
    texts = [dialog.heading.text(), dialog.message.text(), dialog.choose_button.text()]
    assert all(any("\u1780" <= c <= "\u17ff" for c in text) for text in texts), texts
    dialog.reject()
    assert window.register.scan_dialog is None


PIXELS = (np.arange(7 * 33, dtype=np.uint32).reshape(7, 33) % 251).astype(np.uint8)


def yuv_frame(pixel_format: QVideoFrameFormat.PixelFormat, luma: np.ndarray) -> QVideoFrame:
    """A frame as cameras deliver them (NV12 or YUYV), with `luma` as its Y samples."""
    height, width = luma.shape
    frame = QVideoFrame(QVideoFrameFormat(QSize(width, height), pixel_format))
    assert frame.map(QVideoFrame.MapMode.WriteOnly)
    stride = frame.bytesPerLine(0)
    rows = np.frombuffer(frame.bits(0), np.uint8, stride * height).reshape(height, stride)
    rows[:] = 128  # neutral chroma
    if pixel_format == QVideoFrameFormat.PixelFormat.Format_YUYV:
        rows[:, 0 : 2 * width : 2] = luma
    else:
        rows[:, :width] = luma
    frame.unmap()
    return frame


def test_gray_array_of_rgb_keeps_pixels_and_drops_row_padding() -> None:
    gray = gray_array(qimage(PIXELS))  # 33 pixels: rows are padded in the image
    assert gray.shape == (7, 33) and gray.flags.c_contiguous
    assert np.array_equal(gray, PIXELS)
    assert np.array_equal(gray_array(QVideoFrame(qimage(PIXELS))), PIXELS)


@pytest.mark.parametrize(
    "pixel_format",
    [QVideoFrameFormat.PixelFormat.Format_NV12, QVideoFrameFormat.PixelFormat.Format_YUYV],
)
def test_gray_array_of_a_yuv_frame_is_its_luma(pixel_format) -> None:
    gray = gray_array(yuv_frame(pixel_format, PIXELS))
    assert np.array_equal(gray, PIXELS)


def test_an_nv12_camera_frame_with_an_id_card_code_is_read(qtbot) -> None:
    options = no_camera(frame_timing=FrameTiming(interval_s=0.0), monotonic=FakeMonotonic())
    dialog = open_dialog(qtbot, options)
    scans: list[str] = []
    dialog.scanned.connect(scans.append)
    luma = on_canvas(qr_image(KHMER_TD1, scale=4), size=(1280, 720))
    for decoded in (1, 2):
        dialog.video.videoSink().setVideoFrame(
            yuv_frame(QVideoFrameFormat.PixelFormat.Format_NV12, luma)
        )
        qtbot.waitUntil(lambda n=decoded: dialog.worker.frames_decoded == n, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: scans == [KHMER_TD1], timeout=WAIT_MS)


# -- the GUI thread stays free ---------------------------------------------------------------


def test_frames_at_camera_speed_and_a_large_picture_decode_off_the_gui_thread(
    qtbot, tmp_path: Path
) -> None:
    """Camera frames at 30 a second (720p noise: the slowest frames to decode) and a large
    picture file: each decoded on its own thread, never on the GUI thread, and only the newest
    camera frame waits. How long the GUI thread waits meanwhile is measured in
    benchmarks/bench_ui.py, not asserted here."""
    rng = np.random.default_rng(7)
    picture = qimage(rng.integers(0, 256, (720, 1280), dtype=np.uint8))
    big = write_picture(tmp_path / "big.png", rng.integers(0, 256, (1600, 2400), dtype=np.uint8))
    threads = Threads()
    dialog = open_dialog(
        qtbot,
        no_camera(
            choose_image=lambda *_a: big, frame_decoder=threads.frame, file_decoder=threads.file
        ),
    )
    camera = QTimer()
    camera.setInterval(33)
    camera.timeout.connect(lambda: dialog.video.videoSink().setVideoFrame(QVideoFrame(picture)))
    camera.start()
    dialog.choose_button.click()
    assert not dialog.choose_button.isEnabled()  # the picture is being read elsewhere
    qtbot.waitUntil(lambda: dialog.worker.frames_decoded >= 4, timeout=30_000)
    qtbot.waitUntil(dialog.choose_button.isEnabled, timeout=30_000)
    camera.stop()
    assert dialog.worker.frames_dropped > 0  # only the newest frame waits
    assert threads.seen == {"frame-decoder", "scan-picture"}
