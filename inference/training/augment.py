"""Recording conditions drawn for training copies, one distribution for every class.

A draw never looks at the label: whatever an upload may have been through
(a codec, a telephone line, a resampler, a room, noise, any level) is put on
bona fide and spoof speech alike, so none of it can tell the classes apart.
"""

from dataclasses import dataclass

import numpy as np
import soxr
from scipy.signal import butter
from scipy.signal import fftconvolve
from scipy.signal import lfilter
from scipy.signal import sosfiltfilt

from inference.chunking import SAMPLE_RATE
from inference.training.channel import codec_round_trip
from inference.training.channel import set_level
from inference.training.channel import to_pcm16

CODEC_BITRATES = {
    "mp3": ("32k", "48k", "64k", "128k"),
    "opus": ("12k", "16k", "24k", "48k"),
    "aac": ("24k", "32k", "64k", "96k"),
}
RESAMPLING_RATES = (8_000, 11_025, 12_000, 22_050, 24_000, 44_100)
TELEPHONE_RATE = 8_000
_TELEPHONE_BAND = butter(
    6, (300, 3_400), btype="bandpass", fs=TELEPHONE_RATE, output="sos"
)


@dataclass(frozen=True)
class Augmentation:
    telephone: bool
    resample_via: int | None
    reverb_seconds: float | None
    noise_snr_db: float | None
    noise_colour: float
    codec: str | None
    bitrate: str | None
    level_dbfs: float

    def describe(self) -> str:
        parts = []
        if self.telephone:
            parts.append("telephone")
        if self.resample_via:
            parts.append(f"via{self.resample_via}Hz")
        if self.reverb_seconds:
            parts.append(f"rt60={self.reverb_seconds:.2f}s")
        if self.noise_snr_db is not None:
            parts.append(f"noise{self.noise_snr_db:.0f}dB")
        if self.codec:
            parts.append(f"{self.codec}@{self.bitrate}")
        parts.append(f"{self.level_dbfs:.0f}dBFS")
        return " ".join(parts)


def draw_augmentation(rng: np.random.Generator) -> Augmentation:
    """Random conditions; each is applied independently of the others."""
    codec = str(rng.choice(list(CODEC_BITRATES))) if rng.random() < 0.45 else None
    return Augmentation(
        telephone=bool(rng.random() < 0.2),
        resample_via=int(rng.choice(RESAMPLING_RATES)) if rng.random() < 0.3 else None,
        reverb_seconds=float(rng.uniform(0.15, 0.9)) if rng.random() < 0.3 else None,
        noise_snr_db=float(rng.uniform(5.0, 35.0)) if rng.random() < 0.4 else None,
        noise_colour=float(rng.uniform(-0.5, 0.98)),
        codec=codec,
        bitrate=str(rng.choice(CODEC_BITRATES[codec])) if codec else None,
        level_dbfs=float(rng.uniform(-38.0, -14.0)),
    )


def plain_level(rng: np.random.Generator) -> Augmentation:
    """No condition but a random level: the clean copy of an item."""
    return Augmentation(
        telephone=False,
        resample_via=None,
        reverb_seconds=None,
        noise_snr_db=None,
        noise_colour=0.0,
        codec=None,
        bitrate=None,
        level_dbfs=float(rng.uniform(-38.0, -14.0)),
    )


def augment(
    samples: np.ndarray, draw: Augmentation, rng: np.random.Generator
) -> np.ndarray:
    """16 kHz PCM16 in, 16 kHz PCM16 out, same length, through the drawn conditions."""
    audio = samples.astype(np.float64) / 32768.0
    if draw.telephone:
        narrow = soxr.resample(audio, SAMPLE_RATE, TELEPHONE_RATE)
        narrow = sosfiltfilt(_TELEPHONE_BAND, narrow)
        audio = _same_length(soxr.resample(narrow, TELEPHONE_RATE, SAMPLE_RATE), audio)
    if draw.resample_via:
        via = soxr.resample(audio, SAMPLE_RATE, draw.resample_via)
        audio = _same_length(soxr.resample(via, draw.resample_via, SAMPLE_RATE), audio)
    if draw.reverb_seconds:
        audio = _reverberate(audio, draw.reverb_seconds, rng)
    if draw.noise_snr_db is not None:
        audio = _add_coloured_noise(audio, draw.noise_snr_db, draw.noise_colour, rng)
    audio = set_level(audio, draw.level_dbfs)
    if draw.codec and draw.bitrate:
        audio = codec_round_trip(audio, draw.codec, draw.bitrate)
    return to_pcm16(audio)


def room_impulse_response(
    rt60: float, rng: np.random.Generator, rate: int = SAMPLE_RATE
) -> np.ndarray:
    """A synthetic room: a direct path, then noise decaying 60 dB in ``rt60`` s."""
    length = max(int(rt60 * rate), 16)
    time = np.arange(length) / rate
    tail = rng.standard_normal(length) * np.exp(-6.9078 * time / rt60)
    # Air and walls absorb highs: darker tails in larger rooms.
    tail = lfilter([1.0 - 0.4 * min(rt60, 1.0)], [1.0, -0.4 * min(rt60, 1.0)], tail)
    onset = int(rng.uniform(0.002, 0.02) * rate)
    tail[:onset] = 0.0
    response = tail * rng.uniform(0.2, 0.6) / (np.sqrt(np.sum(tail**2)) or 1.0)
    response[0] = 1.0
    return response


def _reverberate(
    audio: np.ndarray, rt60: float, rng: np.random.Generator
) -> np.ndarray:
    return fftconvolve(audio, room_impulse_response(rt60, rng))[: audio.size]


def _add_coloured_noise(
    audio: np.ndarray, snr_db: float, colour: float, rng: np.random.Generator
) -> np.ndarray:
    noise = lfilter([1.0], [1.0, -colour], rng.standard_normal(audio.size))
    noise /= np.sqrt(np.mean(noise**2)) or 1.0
    power = float(np.mean(audio**2)) or 1e-10
    return audio + noise * np.sqrt(power / 10 ** (snr_db / 10))


def _same_length(audio: np.ndarray, like: np.ndarray) -> np.ndarray:
    if audio.size >= like.size:
        return audio[: like.size]
    return np.pad(audio, (0, like.size - audio.size))
