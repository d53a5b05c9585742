"""The one channel every corpus item goes through, bona fide and spoof alike.

Whatever a class could be told apart by without listening to the voice (the
band, the level, a noise floor, a codec) is drawn from the same distributions
for both classes here, so the model has to learn the speech itself.
"""

import subprocess
from dataclasses import dataclass

import numpy as np
import soxr
from scipy.signal import butter
from scipy.signal import lfilter
from scipy.signal import sosfiltfilt

from inference.chunking import SAMPLE_RATE

# The FSDD recordings are 8 kHz: everything is limited to their 4 kHz band.
SOURCE_RATE = 8_000
# One pass band for every source: the top sits below the 8 kHz resamplers' own
# roll-off and the bottom above the FSDD speakers' very different rumble and
# high-pass filters, so no recording's or engine's own filter shows through.
BAND_HZ = (150, 3_600)
_LOW_CUT = butter(8, BAND_HZ[0], btype="highpass", fs=SOURCE_RATE, output="sos")
_HIGH_CUT = butter(12, BAND_HZ[1], btype="lowpass", fs=SOURCE_RATE, output="sos")
CODECS = ("mp3", "ogg")
# Encoder and container per codec; the bit rate follows "-b:a".
_CODEC_ARGS = {
    "mp3": ("-c:a", "libmp3lame", "-f", "mp3"),
    "ogg": ("-c:a", "libvorbis", "-f", "ogg"),
    "opus": ("-c:a", "libopus", "-f", "ogg"),
    "aac": ("-c:a", "aac", "-f", "adts"),
}
_BITRATES = ("24k", "32k", "48k", "64k")


@dataclass(frozen=True)
class ChannelDraw:
    tilt: float
    floor_snr_db: float
    noise_snr_db: float | None
    level_dbfs: float
    codec: str | None
    bitrate: str | None

    def describe(self) -> str:
        noise = f"noise{self.noise_snr_db:.0f}dB" if self.noise_snr_db else "clean"
        codec = f"{self.codec}@{self.bitrate}" if self.codec else "pcm"
        return f"tilt{self.tilt:+.2f} {noise} {self.level_dbfs:.0f}dBFS {codec}"


def draw_channel(
    rng: np.random.Generator, codec_probability: float = 0.4
) -> ChannelDraw:
    """Random channel settings, drawn the same way for every class."""
    noisy = rng.random() < 0.3
    coded = rng.random() < codec_probability
    return ChannelDraw(
        tilt=float(rng.uniform(-0.6, 0.6)),
        floor_snr_db=float(rng.uniform(20.0, 40.0)),
        noise_snr_db=float(rng.uniform(10.0, 25.0)) if noisy else None,
        level_dbfs=float(rng.uniform(-32.0, -18.0)),
        codec=str(rng.choice(CODECS)) if coded else None,
        bitrate=str(rng.choice(_BITRATES)) if coded else None,
    )


def to_source_band(audio: np.ndarray, rate: int) -> np.ndarray:
    """Float audio at any rate resampled to 8 kHz and limited to the pass band."""
    audio = np.asarray(audio, dtype=np.float64)
    if audio.ndim > 1:
        audio = audio.mean(axis=1)
    if rate != SOURCE_RATE:
        audio = soxr.resample(audio, rate, SOURCE_RATE, quality="VHQ")
    return band_limit(audio)


def band_limit(audio: np.ndarray) -> np.ndarray:
    if audio.size <= 3 * 30:  # sosfiltfilt's padding needs a few dozen samples
        return audio
    return sosfiltfilt(_HIGH_CUT, sosfiltfilt(_LOW_CUT, audio))


def apply_channel(
    audio: np.ndarray, draw: ChannelDraw, rng: np.random.Generator
) -> np.ndarray:
    """8 kHz float audio through the channel: 16 kHz PCM16 samples out."""
    shaped = lfilter([1.0, -draw.tilt], [1.0], band_limit(audio))
    shaped = _add_noise(shaped, draw.floor_snr_db, rng)
    if draw.noise_snr_db is not None:
        shaped = _add_noise(shaped, draw.noise_snr_db, rng)
    wide = soxr.resample(shaped, SOURCE_RATE, SAMPLE_RATE, quality="VHQ")
    wide = set_level(wide, draw.level_dbfs)
    if draw.codec and draw.bitrate:
        wide = codec_round_trip(wide, draw.codec, draw.bitrate)
    return to_pcm16(wide)


def _add_noise(
    audio: np.ndarray, snr_db: float, rng: np.random.Generator
) -> np.ndarray:
    power = float(np.mean(audio**2)) or 1e-10
    noise = rng.standard_normal(audio.shape) * np.sqrt(power / 10 ** (snr_db / 10))
    return audio + noise


def set_level(audio: np.ndarray, dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(audio**2))) or 1e-10
    scaled = audio * (10 ** (dbfs / 20) / rms)
    peak = float(np.max(np.abs(scaled)))
    return scaled * (0.98 / peak) if peak > 0.98 else scaled


def to_pcm16(audio: np.ndarray) -> np.ndarray:
    return np.clip(np.round(audio * 32767.0), -32768, 32767).astype(np.int16)


def codec_round_trip(audio: np.ndarray, codec: str, bitrate: str) -> np.ndarray:
    """Encode with ffmpeg and decode back to 16 kHz, keeping the length."""
    pcm = to_pcm16(audio).tobytes()
    raw = ("-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1")
    encoded = _ffmpeg([*raw, "-i", "pipe:0", *_CODEC_ARGS[codec], "-b:a", bitrate], pcm)
    decoded = _ffmpeg(["-i", "pipe:0", *raw], encoded)
    out = np.frombuffer(decoded, dtype=np.int16).astype(np.float64) / 32768.0
    if out.size >= audio.size:
        return out[: audio.size]
    return np.pad(out, (0, audio.size - out.size))


def _ffmpeg(args: list[str], data: bytes) -> bytes:
    command = [
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        *args,
        "pipe:1",
    ]
    # A fixed argv, never a shell.
    return subprocess.run(  # noqa: S603
        command, input=data, capture_output=True, check=True
    ).stdout
