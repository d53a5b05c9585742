"""The report's timeline figure: the waveform above, the chunk scores and thresholds below.

numpy and matplotlib are imported inside :func:`draw_timeline`: the web
process loads them only when it renders a report (tests/test_lazy_imports).
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from detector.verdict import VerdictPolicy

WIDTH_INCHES = 7.2
DPI = 150
# Columns of the waveform's min/max envelope: about one per output pixel.
ENVELOPE_COLUMNS = 1200
COLORS = {"real": "#2e7d32", "likely_fake": "#f9a825", "fake": "#c62828"}
NO_SPEECH_COLOR = "#9e9e9e"
LINE_COLOR = "#212121"


@dataclass(frozen=True)
class Envelope:
    """A recording's per-column minimum and maximum, as fractions of full scale."""

    duration_seconds: float
    lows: Sequence[float]
    highs: Sequence[float]


def envelope(pcm16: bytes, sample_rate: int) -> Envelope:
    """Reduce 16-bit mono PCM to a plottable min/max envelope."""
    import numpy as np

    samples = np.frombuffer(pcm16, dtype="<i2")
    columns = max(1, min(ENVELOPE_COLUMNS, samples.size))
    usable = samples[: samples.size - samples.size % columns].reshape(columns, -1)
    return Envelope(
        duration_seconds=samples.size / sample_rate,
        lows=(usable.min(axis=1) / 32768.0).tolist(),
        highs=(usable.max(axis=1) / 32768.0).tolist(),
    )


def draw_timeline(
    chunks: Sequence[dict[str, Any]],
    policy: VerdictPolicy,
    waveform: Envelope | None,
) -> bytes:
    """The figure as PNG bytes; the score panel alone when there is no waveform."""
    from matplotlib.figure import Figure

    rows = 2 if waveform else 1
    figure = Figure(figsize=(WIDTH_INCHES, 1.6 + 1.6 * rows), dpi=DPI)
    axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    if waveform:
        _draw_waveform(axes[0], waveform)
    _draw_scores(axes[-1], chunks, policy)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _draw_waveform(axis: Any, waveform: Envelope) -> None:
    import numpy as np

    times = np.linspace(0.0, waveform.duration_seconds, num=len(waveform.lows))
    axis.fill_between(times, waveform.lows, waveform.highs, color="#1565c0", lw=0)
    # Full scale, not normalised: a quiet recording looks quiet.
    axis.set_ylim(-1.0, 1.0)
    axis.set_ylabel("amplitude\n(full scale)")
    axis.set_title("Recording", loc="left", fontsize=9)


def _draw_scores(
    axis: Any, chunks: Sequence[dict[str, Any]], policy: VerdictPolicy
) -> None:
    for chunk in chunks:
        score = chunk["score"]
        if score is None:
            continue
        axis.bar(
            chunk["start"],
            score,
            width=chunk["end"] - chunk["start"],
            align="edge",
            color=_color(score, policy) if chunk["speech"] else NO_SPEECH_COLOR,
            edgecolor="white",
            linewidth=0.5,
        )
    for threshold, name, style in (
        (policy.likely_fake_threshold, "likely_fake", ":"),
        (policy.fake_threshold, "fake", "--"),
    ):
        # Dark, above the bars, labelled on a white ground: a bar of the same
        # colour as its band hides neither the line nor its label.
        axis.axhline(threshold, color=LINE_COLOR, linestyle=style, lw=1, zorder=3)
        axis.annotate(
            f"{name.replace('_', ' ')} from {threshold:.2f}",
            xy=(0.995, threshold),
            xycoords=("axes fraction", "data"),
            ha="right",
            va="bottom",
            fontsize=7,
            color=LINE_COLOR,
            zorder=4,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
        )
    axis.set_ylim(0.0, 1.0)
    axis.set_ylabel("chunk score\n(P synthetic)")
    axis.set_xlabel("time (s); grey: no speech, not counted")
    axis.set_title("Chunk scores", loc="left", fontsize=9)
    if chunks:
        axis.set_xlim(0.0, max(chunk["end"] for chunk in chunks))


def _color(score: float, policy: VerdictPolicy) -> str:
    if score >= policy.fake_threshold:
        return COLORS["fake"]
    if score >= policy.likely_fake_threshold:
        return COLORS["likely_fake"]
    return COLORS["real"]
