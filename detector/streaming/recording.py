"""The received audio, spooled to a temporary WAV file until the stream ends and it is stored."""

import tempfile
import wave

from django.core.files import File

from detector.storage import StoredRecording
from detector.storage import save_recording
from detector.streaming.protocol import BYTES_PER_SAMPLE
from detector.streaming.protocol import StreamFormat
from detector.streaming.records import WAV


class Recording:
    """A WAV file on local disk, written as frames arrive; blocking, so called from a thread."""

    def __init__(self, stream_format: StreamFormat) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by store()/discard()
        self._wav = wave.open(self._file, "wb")  # noqa: SIM115 - see above
        self._wav.setnchannels(stream_format.channels)
        self._wav.setsampwidth(BYTES_PER_SAMPLE)
        self._wav.setframerate(stream_format.sample_rate)

    def write(self, pcm: bytes) -> None:
        self._wav.writeframesraw(pcm)

    def store(self) -> StoredRecording:
        """Save the WAV in Django storage under a new name."""
        self._wav.close()  # writes the lengths into the header; the file stays open
        self._file.seek(0)
        try:
            return save_recording(File(self._file, name="stream.wav"), WAV)
        finally:
            self._file.close()

    def discard(self) -> None:
        self._wav.close()
        self._file.close()
