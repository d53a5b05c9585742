"""Decoding untrusted uploads: every allowed container, the caps and the failures."""

import logging
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from django.conf import settings

from inference import audio
from inference.audio import AudioDecodeError
from inference.audio import AudioTooLongError
from inference.audio import DecodedAudio
from inference.audio import decode_to_pcm16
from inference.audio import stream_pcm16
from inference.chunking import SAMPLE_RATE

FREQUENCY = 1000.0
SECONDS = 2.5
RATES = [8000, 22050, 44100, 48000]
CHANNELS = [1, 2, 6]
WAV_SUBTYPES = ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"]
# Lossy codecs pad and trim a little at either end.
DURATION_TOLERANCE = 0.1
FREQUENCY_TOLERANCE = 3.0

# (encoder arguments, file suffix, whether the decoder always runs at 48 kHz)
CODECS = {
    "flac": (["-c:a", "flac"], ".flac", False),
    "mp3": (["-c:a", "libmp3lame"], ".mp3", False),
    "ogg-vorbis": (["-c:a", "libvorbis"], ".ogg", False),
    "ogg-opus": (["-c:a", "libopus"], ".ogg", True),
    "m4a-aac": (["-c:a", "aac"], ".m4a", False),
    "webm-opus": (["-c:a", "libopus"], ".webm", True),
}
MP3_MAX_CHANNELS = 2


def decode(path: Path, max_seconds: float = 60.0) -> DecodedAudio:
    """Decode with the production limits."""
    return decode_to_pcm16(
        path,
        max_seconds=max_seconds,
        cpu_seconds=settings.DETECTOR_DECODE_CPU_SECONDS,
        memory_bytes=settings.DETECTOR_DECODE_MEMORY_BYTES,
    )


def sine(rate: int, channels: int, seconds: float = SECONDS) -> np.ndarray:
    """A 1 kHz sine on every channel, shaped (frames, channels)."""
    t = np.arange(round(seconds * rate)) / rate
    wave = 0.5 * np.sin(2 * np.pi * FREQUENCY * t)
    return np.repeat(wave[:, None], channels, axis=1)


def write_wav(
    path: Path,
    rate: int,
    channels: int,
    subtype: str = "PCM_16",
    seconds: float = SECONDS,
) -> Path:
    sf.write(path, sine(rate, channels, seconds), rate, subtype=subtype)
    return path


def ffmpeg(*arguments: str) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *arguments],
        check=True,
        capture_output=True,
    )


def encode(tmp_path: Path, codec: str, rate: int, channels: int) -> Path:
    """The sine at ``rate``/``channels`` encoded with one of CODECS."""
    arguments, suffix, _ = CODECS[codec]
    source = write_wav(tmp_path / "source.wav", rate, channels, subtype="FLOAT")
    target = tmp_path / f"encoded{suffix}"
    ffmpeg("-i", str(source), *arguments, str(target))
    return target


def dominant_frequency(decoded: DecodedAudio) -> float:
    samples = np.frombuffer(decoded.pcm, dtype="<i2").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum)) * SAMPLE_RATE / len(samples)


def assert_is_the_sine(decoded: DecodedAudio, seconds: float = SECONDS) -> None:
    assert decoded.duration_seconds == pytest.approx(seconds, abs=DURATION_TOLERANCE)
    assert dominant_frequency(decoded) == pytest.approx(
        FREQUENCY, abs=FREQUENCY_TOLERANCE
    )


def header_duration(path: Path) -> float:
    """The duration ffprobe believes from the headers alone."""
    probe = subprocess.run(
        [
            *("ffprobe", "-v", "error", "-show_entries", "format=duration"),
            *("-of", "csv=p=0", str(path)),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(probe.stdout)


def fake_ffmpeg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """Replace the decoder (not the prober) with a shell script."""
    script = tmp_path / "fake-ffmpeg"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    monkeypatch.setattr(audio, "FFMPEG", str(script))


@pytest.mark.parametrize("channels", CHANNELS)
@pytest.mark.parametrize("rate", RATES)
def test_decode_wav_any_rate_and_channels(
    tmp_path: Path, rate: int, channels: int
) -> None:
    """A PCM16 WAV at any rate and channel count becomes the same 16 kHz mono sine."""
    decoded = decode(write_wav(tmp_path / "tone.wav", rate, channels))

    assert (decoded.source_sample_rate, decoded.source_channels) == (rate, channels)
    assert_is_the_sine(decoded)


@pytest.mark.parametrize("subtype", WAV_SUBTYPES)
def test_decode_wav_every_sample_format(tmp_path: Path, subtype: str) -> None:
    """WAVs of 8/16/24/32-bit integer and float samples all decode."""
    decoded = decode(write_wav(tmp_path / "tone.wav", 44100, 2, subtype=subtype))

    assert (decoded.source_sample_rate, decoded.source_channels) == (44100, 2)
    assert_is_the_sine(decoded)


@pytest.mark.parametrize(
    ("codec", "rate", "channels"),
    [(codec, rate, 2) for codec in CODECS for rate in RATES]
    + [
        (codec, 44100, channels)
        for codec in CODECS
        for channels in (1, 6)
        if not (codec == "mp3" and channels > MP3_MAX_CHANNELS)
    ],
)
def test_decode_compressed_formats(
    tmp_path: Path, codec: str, rate: int, channels: int
) -> None:
    """FLAC, MP3, OGG Vorbis/Opus, M4A AAC and WebM Opus decode to the sine."""
    decoded = decode(encode(tmp_path, codec, rate, channels))

    always_48k = CODECS[codec][2]
    assert decoded.source_sample_rate == (48000 if always_48k else rate)
    assert decoded.source_channels == channels
    assert_is_the_sine(decoded)


def test_decode_pcm_is_16khz_mono_little_endian(tmp_path: Path) -> None:
    """A 16 kHz mono PCM16 WAV comes back sample for sample."""
    signal = (sine(SAMPLE_RATE, 1)[:, 0] * 32767).astype("<i2")
    path = tmp_path / "exact.wav"
    sf.write(path, signal, SAMPLE_RATE, subtype="PCM_16")

    decoded = decode(path)

    assert decoded.pcm == signal.tobytes()
    assert decoded.sample_count == len(signal)
    assert decoded.duration_seconds == len(signal) / SAMPLE_RATE


def test_decode_exactly_at_the_limit_is_accepted(tmp_path: Path) -> None:
    """A recording of exactly max_seconds is not too long."""
    path = write_wav(tmp_path / "two.wav", SAMPLE_RATE, 1, seconds=2.0)

    decoded = decode(path, max_seconds=2)

    assert decoded.sample_count == 2 * SAMPLE_RATE


def _honest_wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "five.wav", SAMPLE_RATE, 1, seconds=5.0)


def _one_sample_over(tmp_path: Path) -> Path:
    return write_wav(
        tmp_path / "over.wav", SAMPLE_RATE, 1, seconds=2.0 + 1 / SAMPLE_RATE
    )


def _wav_of_unknown_length(tmp_path: Path) -> Path:
    """A streamed WAV: RIFF and data sizes say 0xFFFFFFFF."""
    path = _honest_wav(tmp_path)
    raw = bytearray(path.read_bytes())
    struct.pack_into("<I", raw, 4, 0xFFFFFFFF)
    struct.pack_into("<I", raw, raw.index(b"data") + 4, 0xFFFFFFFF)
    path.write_bytes(raw)
    return path


def _mp3_claiming_one_second(tmp_path: Path) -> Path:
    """A 5 s MP3 whose Xing/Info header counts a fifth of its frames."""
    path = tmp_path / "lying.mp3"
    ffmpeg("-i", str(_honest_wav(tmp_path)), "-c:a", "libmp3lame", str(path))
    raw = bytearray(path.read_bytes())
    tag = raw.find(b"Info") if b"Info" in raw else raw.find(b"Xing")
    frames = struct.unpack_from(">I", raw, tag + 8)[0]
    struct.pack_into(">I", raw, tag + 8, frames // 5)
    path.write_bytes(raw)
    assert header_duration(path) < 1.5
    return path


@pytest.mark.parametrize(
    "make_file",
    [_honest_wav, _one_sample_over, _wav_of_unknown_length, _mp3_claiming_one_second],
)
def test_decode_too_long_raises(tmp_path: Path, make_file) -> None:
    """More decoded audio than max_seconds is refused, whatever the header says."""
    path = make_file(tmp_path)

    with pytest.raises(AudioTooLongError) as raised:
        decode(path, max_seconds=2)

    assert str(raised.value) == "The recording is longer than the 2-second limit."


def test_decode_stops_a_decoder_that_ignores_its_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample cap holds even when the decoder streams without end."""
    fake_ffmpeg(tmp_path, monkeypatch, "exec cat /dev/zero")

    with pytest.raises(AudioTooLongError):
        decode(write_wav(tmp_path / "tone.wav", SAMPLE_RATE, 1), max_seconds=2)


def _riff_then_random(path: Path) -> None:
    noise = np.random.default_rng(7).bytes(4096)
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(noise)) + b"WAVE" + noise)


def _text(path: Path) -> None:
    path.write_text("This is a shopping list, not a recording.\n" * 20)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated_m4a(path: Path) -> None:
    """An M4A cut before its trailing moov atom."""
    whole = encode(path.parent, "m4a-aac", 44100, 2)
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])


def _raw_aac(path: Path) -> None:
    """ADTS AAC: audio, but not a container the service admits."""
    ffmpeg(
        "-i", str(write_wav(path.parent / "s.wav", 44100, 1)), "-f", "adts", str(path)
    )


def _video_only_mp4(path: Path) -> None:
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=5"),
        *("-c:v", "mpeg4", "-f", "mp4", str(path)),
    )


def _header_only_wav(path: Path) -> None:
    sf.write(path, np.zeros((0, 1)), SAMPLE_RATE, subtype="PCM_16", format="WAV")


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (_riff_then_random, audio.DAMAGED_MESSAGE),
        (_text, audio.DAMAGED_MESSAGE),
        (_empty, audio.DAMAGED_MESSAGE),
        (_truncated_m4a, audio.DAMAGED_MESSAGE),
        (_raw_aac, audio.DAMAGED_MESSAGE),
        (_video_only_mp4, audio.NO_STREAM_MESSAGE),
        (_header_only_wav, audio.NO_SAMPLES_MESSAGE),
    ],
)
def test_decode_undecodable_file_raises(
    tmp_path: Path, make_file, message: str
) -> None:
    """Files that are not usable audio raise a sentence a person understands."""
    path = tmp_path / "upload.wav"
    make_file(path)

    with pytest.raises(AudioDecodeError) as raised:
        decode(path)

    assert type(raised.value) is AudioDecodeError
    assert str(raised.value) == message


def test_decode_memory_limit_too_small_raises_limits_message(tmp_path: Path) -> None:
    """At 16 MB ffmpeg cannot even map its libraries; that is a limits failure."""
    path = write_wav(tmp_path / "tone.wav", 44100, 2)

    with pytest.raises(AudioDecodeError) as raised:
        decode_to_pcm16(path, max_seconds=60, cpu_seconds=10, memory_bytes=16 * 1024**2)

    assert str(raised.value) == audio.LIMITS_MESSAGE


@pytest.mark.parametrize(
    ("script", "cpu_seconds"),
    [
        ("kill -SEGV $$", 10),  # a crash
        ("echo 'Failed to inject frame: Cannot allocate memory' >&2; exit 1", 10),
        ("while :; do :; done", 1),  # the CPU limit's SIGXCPU
        ("exec sleep 60", 1),  # stuck: the wall-clock timeout
    ],
    ids=["segfault", "out-of-memory", "cpu-limit", "wall-clock"],
)
def test_decode_crashed_decoder_raises_limits_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, cpu_seconds: int
) -> None:
    """A decoder killed by a signal, its memory or its time gets the limits message."""
    path = write_wav(tmp_path / "tone.wav", 44100, 2)
    fake_ffmpeg(tmp_path, monkeypatch, script)

    with pytest.raises(AudioDecodeError) as raised:
        decode_to_pcm16(
            path, max_seconds=60, cpu_seconds=cpu_seconds, memory_bytes=1024**3
        )

    assert str(raised.value) == audio.LIMITS_MESSAGE


def test_decode_error_message_hides_decoder_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """ffmpeg's stderr reaches the operators' log but never the user's message."""
    path = write_wav(tmp_path / "tone.wav", 44100, 2)
    fake_ffmpeg(
        tmp_path,
        monkeypatch,
        "echo 'Traceback (most recent call last): secret-decoder-detail' >&2; exit 1",
    )

    with (
        caplog.at_level(logging.INFO, logger="inference.audio"),
        pytest.raises(AudioDecodeError) as raised,
    ):
        decode(path)

    message = str(raised.value)
    assert message == audio.DAMAGED_MESSAGE
    assert "Traceback" not in message
    assert "secret-decoder-detail" not in message
    assert "secret-decoder-detail" in caplog.text


def stream(path: Path, block_bytes: int, cpu_seconds: int = 30) -> audio.PcmStream:
    return stream_pcm16(
        path,
        block_bytes=block_bytes,
        max_seconds=60.0,
        cpu_seconds=cpu_seconds,
        memory_bytes=settings.DETECTOR_DECODE_MEMORY_BYTES,
    )


def test_stream_gives_the_whole_decode_in_blocks_of_the_asked_size(
    tmp_path: Path,
) -> None:
    """Blocks of one size but the last, adding up to exactly what one decode gives."""
    path = write_wav(tmp_path / "tone.wav", 44100, 2, seconds=9.3)

    blocks = list(stream(path, block_bytes=32_000).blocks)

    assert {len(block) for block in blocks[:-1]} == {32_000}
    assert 0 < len(blocks[-1]) <= 32_000
    assert b"".join(blocks) == decode(path).pcm


def test_stream_hands_out_blocks_before_the_decoder_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A consumer that stops early gets its blocks at once, and the decoder is killed."""
    fake_ffmpeg(tmp_path, monkeypatch, "exec cat /dev/zero")
    blocks = stream(write_wav(tmp_path / "tone.wav", SAMPLE_RATE, 1), 64_000).blocks

    assert next(blocks) == bytes(64_000)
    blocks.close()  # the generator's cleanup kills and reaps the endless decoder


def test_stream_does_not_count_the_consumers_time_against_the_decoder(
    tmp_path: Path,
) -> None:
    """Gating and storing a block may take longer than the decoder's whole budget."""
    path = write_wav(tmp_path / "tone.wav", SAMPLE_RATE, 1, seconds=6.0)
    decoded = stream(path, block_bytes=64_000, cpu_seconds=1)  # a 2 s wall budget

    received = []
    for block in decoded.blocks:
        received.append(block)
        time.sleep(1.5)

    assert sum(len(block) for block in received) == 6 * SAMPLE_RATE * 2


def test_decoded_audio_counts_samples_and_seconds() -> None:
    """sample_count and duration_seconds follow from the PCM16 byte length."""
    decoded = DecodedAudio(
        pcm=b"\x00\x00" * 24000, source_sample_rate=8000, source_channels=2
    )

    assert decoded.sample_count == 24000
    assert decoded.duration_seconds == 1.5


def test_audio_module_imports_nothing_heavy() -> None:
    """Importing inference.audio pulls in no torch, transformers, numpy or soundfile."""
    heavy = ["torch", "transformers", "numpy", "soundfile"]
    check = (
        "import sys, inference.audio; "
        f"print([name for name in {heavy!r} if name in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )

    assert result.stdout.strip() == "[]"
