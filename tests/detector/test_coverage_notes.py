"""Coverage notes: a recording outside what the model was trained on says how."""

from dataclasses import dataclass

from detector.modelcard.coverage import coverage_notes

DEFAULT_COVERAGE = {
    "sample_rates_hz": [8000, 16000],
    "telephone_band": "simulated",
    "codecs": ["aac", "mp3", "opus", "pcm", "vorbis"],
    "channels": 1,
}


@dataclass
class Recording:
    sample_rate: int | None = 16000
    channels: int | None = 1
    duration_seconds: float | None = 12.0
    content_type: str = "audio/wav"


def test_coverage_notes_are_empty_for_a_recording_like_the_material():
    """A 16 kHz mono WAV longer than a chunk fits: nothing to say."""
    assert coverage_notes(Recording(), DEFAULT_COVERAGE, 4.0) == []


def test_coverage_notes_are_empty_when_the_model_declares_nothing():
    """An undeclared coverage never produces guesses."""
    odd = Recording(sample_rate=4000, channels=2, duration_seconds=1.5)
    assert coverage_notes(odd, {}, 4.0) == []


def test_coverage_notes_name_a_sample_rate_below_the_material():
    """A 6 kHz recording is narrower than anything the model heard."""
    notes = coverage_notes(Recording(sample_rate=6000), DEFAULT_COVERAGE, 4.0)
    assert notes == [
        "Recorded at 6000 Hz, below the 8000 Hz of the lowest-rate material the "
        "model was trained on: it never heard so narrow a band."
    ]


def test_coverage_notes_say_a_telephone_band_was_only_simulated():
    """8 kHz audio was in training only through simulated telephone lines."""
    notes = coverage_notes(Recording(sample_rate=8000), DEFAULT_COVERAGE, 4.0)
    assert notes == [
        "Recorded at 8000 Hz, telephone bandwidth: the model heard such audio only "
        "through simulated telephone lines, never real phone calls."
    ]


def test_coverage_notes_flag_a_telephone_band_the_model_never_heard():
    """A model without telephone material says so for 8 kHz audio."""
    wideband = {**DEFAULT_COVERAGE, "sample_rates_hz": [8000], "telephone_band": "none"}
    notes = coverage_notes(Recording(sample_rate=8000), wideband, 4.0)
    assert notes == [
        "Recorded at 8000 Hz, telephone bandwidth the model was not trained on."
    ]


def test_coverage_notes_flag_a_recording_shorter_than_a_chunk():
    """A 2.5 s recording is judged on one short stretch."""
    notes = coverage_notes(Recording(duration_seconds=2.5), DEFAULT_COVERAGE, 4.0)
    assert notes == [
        "The recording is 2.5 s long, shorter than one 4 s chunk: the verdict "
        "rests on a single short stretch."
    ]


def test_coverage_notes_flag_codecs_outside_the_material():
    """Only lossless material: an MP3 is outside it, an Ogg may be."""
    lossless = {**DEFAULT_COVERAGE, "codecs": ["pcm", "vorbis"]}
    mp3 = coverage_notes(Recording(content_type="audio/mpeg"), lossless, 4.0)
    ogg = coverage_notes(Recording(content_type="audio/ogg"), lossless, 4.0)
    flac = coverage_notes(Recording(content_type="audio/flac"), lossless, 4.0)
    assert mp3 == ["The file is encoded with mp3, which the model was not trained on."]
    assert ogg == [
        "The file may be encoded with opus, which the model was not trained on."
    ]
    assert flac == []


def test_coverage_notes_explain_a_stereo_mixdown():
    """Two channels are mixed into one, which a mono-trained model needs."""
    notes = coverage_notes(Recording(channels=2), DEFAULT_COVERAGE, 4.0)
    assert len(notes) == 1
    assert notes[0].startswith("The recording has 2 channels, mixed into one")


def test_coverage_notes_skip_facts_not_known_yet():
    """Before decoding, sample rate, channels and duration are unknown: no notes."""
    unknown = Recording(sample_rate=None, channels=None, duration_seconds=None)
    assert coverage_notes(unknown, DEFAULT_COVERAGE, 4.0) == []
