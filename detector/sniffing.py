"""Which audio container a file is, judged by its first bytes alone."""

SNIFF_BYTES = 64

_MP4_BRANDS = {
    b"M4A ",
    b"M4B ",
    b"mp41",
    b"mp42",
    b"isom",
    b"iso2",
    b"iso5",
    b"dash",
    b"3gp4",
    b"3gp5",
}
_MPEG_LAYERS = {0b01, 0b10, 0b11}  # 0b00 is reserved (and marks AAC's ADTS)

EXTENSIONS = {
    "audio/wav": ".wav",
    "audio/flac": ".flac",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/mp4": ".m4a",
    "audio/webm": ".webm",
}


def sniff_audio_type(head: bytes) -> str | None:
    """Return the MIME type of an allowed container, or None for anything else."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[:4] == b"OggS":
        return "audio/ogg" if b"OpusHead" in head or b"\x01vorbis" in head else None
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return "audio/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "audio/webm" if b"webm" in head else None
    if head[:3] == b"ID3" or _is_mpeg_frame_sync(head):
        return "audio/mpeg"
    return None


def _is_mpeg_frame_sync(head: bytes) -> bool:
    if len(head) < 2:
        return False
    return (
        head[0] == 0xFF
        and head[1] & 0xE0 == 0xE0
        and (head[1] >> 1) & 0b11 in _MPEG_LAYERS
    )
