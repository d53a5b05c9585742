"""What the default model was trained on, machine-readable, for build_info.json.

The web reads it (``detector/report/model_facts.py``) to describe the model and
to tell a user when a recording falls outside it. The recording conditions come
from the constants the material is actually rendered with (``augment.py``,
``channel.py``), so the declaration cannot drift from the build.
"""

from typing import Any

from inference.chunking import SAMPLE_RATE
from inference.labels import BONAFIDE
from inference.training import augment
from inference.training import channel

LANGUAGES = ["English"]
# A few files each (the card's limits): heard, but too rarely to be covered.
OTHER_LANGUAGES = ["Japanese", "Mandarin", "Korean"]
SPEECH_STYLES = ["read speech (audiobooks, studio corpora)", "spoken digits"]
SYNTHESIS = [
    "neural text-to-speech (Tacotron 2, FastSpeech 2, Glow-TTS, VITS, VALL-E, ...)",
    "neural vocoders (GAN, diffusion and flow vocoders)",
    "voice conversion",
    "classic vocoders (Griffin-Lim, WORLD, LPC, phase vocoder)",
    "rule-based text-to-speech (espeak-ng, flite, festival)",
]
# channel.py names its Vorbis round trip after the container.
_CODEC_NAMES = {"ogg": "vorbis"}
_CODEC_LABELS = {"mp3": "MP3", "opus": "Opus", "aac": "AAC"}
# How the augmentation's telephone band reaches the model: no real phone calls.
TELEPHONE_BAND = "simulated"


def declared_coverage(corpus: dict[str, dict[str, int]]) -> dict[str, Any]:
    """The ``coverage`` section of build_info.json for material counted as ``corpus``."""
    codecs = {"pcm", *augment.CODEC_BITRATES}
    codecs |= {_CODEC_NAMES.get(codec, codec) for codec in channel.CODECS}
    return {
        "languages": LANGUAGES,
        "other_languages": OTHER_LANGUAGES,
        "speech_styles": SPEECH_STYLES,
        "synthesis": SYNTHESIS,
        "systems": sorted(
            name for counts in corpus.values() for name in counts if name != BONAFIDE
        ),
        # The material as recorded: neural demo audio at 16 kHz, FSDD at 8 kHz.
        "sample_rates_hz": sorted({SAMPLE_RATE, channel.SOURCE_RATE}),
        "telephone_band": TELEPHONE_BAND,
        "codecs": sorted(codecs),
        "channels": 1,
        "conditions": _conditions(),
    }


def _conditions() -> list[str]:
    bitrates = ", ".join(
        f"{_CODEC_LABELS[codec]} {rates[0].rstrip('k')}-{rates[-1].rstrip('k')} kbit/s"
        for codec, rates in augment.CODEC_BITRATES.items()
    )
    rates = augment.RESAMPLING_RATES
    return [
        f"lossy codecs ({bitrates})",
        f"a simulated telephone line ({augment.TELEPHONE_RATE} Hz, 300-3400 Hz)",
        f"resampling through {rates[0]}-{rates[-1]} Hz",
        "synthetic rooms (RT60 0.15-0.9 s) and coloured noise (5-35 dB SNR)",
        "levels from -38 to -14 dBFS",
    ]
