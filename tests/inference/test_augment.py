"""Training-copy conditions: drawn without the label, same length, really applied."""

import dataclasses

import numpy as np
import pytest

from inference.chunking import SAMPLE_RATE
from inference.training.augment import CODEC_BITRATES
from inference.training.augment import augment
from inference.training.augment import draw_augmentation
from inference.training.augment import plain_level
from inference.training.augment import room_impulse_response


def tone_speech(seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    audio = sum(
        np.sin(2 * np.pi * f * t) / k for k, f in enumerate((150, 900, 5200), 1)
    )
    return (0.3 * audio / np.max(np.abs(audio)) * 32767).astype(np.int16)


def band_energy(samples: np.ndarray, low: float, high: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(samples.size, 1 / SAMPLE_RATE)
    return float(spectrum[(freqs >= low) & (freqs < high)].sum() / spectrum.sum())


def test_draws_cover_every_condition_and_ignore_nothing_but_the_seed():
    draws = [draw_augmentation(np.random.default_rng(seed)) for seed in range(300)]
    assert {d.codec for d in draws} == {None, *CODEC_BITRATES}
    assert any(d.telephone for d in draws)
    assert any(d.reverb_seconds for d in draws)
    assert any(d.noise_snr_db is not None for d in draws)
    assert any(d.resample_via for d in draws)
    again = draw_augmentation(np.random.default_rng(7))
    assert again == draw_augmentation(np.random.default_rng(7))


@pytest.mark.parametrize("codec", sorted(CODEC_BITRATES))
def test_codec_round_trips_keep_the_length(codec):
    draw = dataclasses.replace(
        plain_level(np.random.default_rng(0)),
        codec=codec,
        bitrate=CODEC_BITRATES[codec][0],
    )
    original = tone_speech()
    coded = augment(original, draw, np.random.default_rng(0))
    assert coded.dtype == np.int16
    assert coded.size == original.size
    assert not np.array_equal(coded, original)


def test_telephone_band_removes_the_highs_and_level_is_set():
    original = tone_speech()
    draw = dataclasses.replace(
        plain_level(np.random.default_rng(0)), telephone=True, level_dbfs=-20.0
    )
    phone = augment(original, draw, np.random.default_rng(0))
    assert band_energy(original, 4000, 8000) > 0.05
    assert band_energy(phone, 4000, 8000) < 1e-4
    rms = np.sqrt(np.mean((phone.astype(np.float64) / 32768) ** 2))
    assert 20 * np.log10(rms) == pytest.approx(-20.0, abs=0.5)


def test_room_response_decays_by_its_reverberation_time():
    response = room_impulse_response(0.5, np.random.default_rng(0))
    assert response[0] == 1.0
    assert response.size == SAMPLE_RATE // 2
    early = np.abs(response[800:1600]).mean()
    late = np.abs(response[-800:]).mean()
    assert late < early / 30
