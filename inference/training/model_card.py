"""The default checkpoint's model card (README.md), rendered from its build record."""

from pathlib import Path
from typing import Any

INTRO = """\
A small WavLM audio-classification model (`WavLMForSequenceClassification`,
labels `bonafide` / `spoof`) trained from scratch on two CPU cores by
`python manage.py build_default_model` (`make model`). Its chunk score is a
**calibrated probability that 1 to 8 seconds of speech are synthetic**
(Platt scaling fitted on held-out folds is folded into the classifier head).
"""

CORPUS = """\
- **Neural TTS, vocoders and voice conversion** (`shared/data/neural-tts`):
  audio that papers' authors published on public demo pages, with the human
  recordings those pages show. Files are used as published (16 kHz mono, at
  most 10 s), leading and trailing silence trimmed for training.
- **FSDD digits**: the Free Spoken Digit Dataset's four speakers (george,
  jackson, lucas, nicolas; CC BY-SA 4.0), stitched into 2.5-6 s utterances;
  spoofs are the same speakers through Griffin-Lim, WORLD, LPC and
  phase-vocoder resynthesis and digits spoken by espeak-ng, flite and
  festival, all through one 8 kHz channel (band, noise floor, tilt, level,
  MP3/Vorbis) so only the voice tells the classes apart.
- **Reserved, never used** for training, calibration, thresholds or model
  selection: jaywalnut310/vits-demo, styletts2/styletts2.github.io,
  Edresson/YourTTS and FSDD speakers other than the four above. The reader
  refuses them whatever the data folder holds.
"""

AUGMENTATION = """\
Every file gives {copies} training copies: one clean (random level) and the
rest through conditions drawn from **one distribution for both classes**:
MP3 (32-128 kbit/s), Opus (12-48 kbit/s) or AAC (24-96 kbit/s) in 45 %,
an 8 kHz telephone band in 20 %, a resampling chain via 8-44.1 kHz in 30 %,
a synthetic room (RT60 0.15-0.9 s) in 30 %, coloured noise at 5-35 dB SNR in
40 %, and a level between -38 and -14 dBFS.

Balancing: each draw picks a domain (neural 60 %, FSDD 40 %), a class (half
and half), a human-voice corpus with the **same share in both classes**
(VCTK, LibriSpeech, LJSpeech, ...), then a system (spoof) or speaker (bona
fide) with shares growing as the square root of their file counts. Crops are
1.5-4 s, one length per batch, never padded (uploads are scored without
padding either).
"""

LIMITS = """\
- **Languages**: nearly all material is English read speech (audiobooks,
  studio corpora, digits); a few Japanese, Mandarin and Korean files. Other
  languages, spontaneous and conversational speech are not covered.
- **Systems**: demo-page TTS, vocoders and voice conversion up to about 2023
  (Tacotron 2, FastSpeech 2, Glow-TTS, Grad-TTS, VITS, HierSpeech++, VALL-E,
  Tortoise, XTTS, Bark, many GAN and diffusion vocoders). Commercial cloning
  services and newer systems are untested; voice cloning of speakers the
  model never heard is covered only through the VC systems above.
- **Recording conditions**: the augmentations above; real phone calls,
  far-field meetings, heavy music beds and re-recording through a
  loudspeaker are not in the material.
- **Size**: a small model trained in minutes on two CPU cores from about
  two hours of neural material: treat its verdict as evidence to weigh, not
  proof. For higher stakes fine-tune a pretrained model
  (`python manage.py finetune_model`).
"""

LICENCES = """\
The weights are derived from FSDD (CC BY-SA 4.0), so the model and the
self-test clips are shared under **CC BY-SA 4.0** with credit to FSDD (Zohar
Jackson and contributors). Most neural demo pages state no licence (their
audio is published for listening): the model was trained on it for research
and internal use; redistributing the weights commercially needs legal review.
Corpora behind the human speech: LJSpeech (public domain), VCTK, LibriTTS and
LibriSpeech (CC BY 4.0), CMU ARCTIC (BSD-style), DAPS (CC BY-NC 4.0), JSUT and
CSMSC (non-commercial). The per-repository list is in the table above.
"""


def write_model_card(path: Path, info: dict[str, Any]) -> Path:
    path.write_text(render(info))
    return path


def render(info: dict[str, Any]) -> str:
    """The card's Markdown: what the model is, how it was made, how well it does."""
    sections = [
        f"# {info['detector_name']} {info['detector_version']}\n\n{INTRO}",
        _evaluation(info),
        f"## Training material\n\n{CORPUS}\n{_sources(info)}",
        f"## Augmentation and balance\n\n"
        f"{AUGMENTATION.format(copies=info['copies_per_file'])}",
        _training(info),
        f"## What it does not cover\n\n{LIMITS}",
        f"## Licence obligations\n\n{LICENCES}",
        _reproduce(),
    ]
    return "\n".join(sections)


def _evaluation(info: dict[str, Any]) -> str:
    cv = info["cross_validation"]
    base = info["baseline_cross_validation"]
    calib = info["calibration"]
    thresholds = info["thresholds"]
    splices = info["splices"]
    fast = info["fast_path"]
    return f"""## Evaluation: grouped cross-validation ({len(info["folds"])} folds)

Each fold's model never heard the files it scores: a fold holds out a group
of source repositories (both classes), every file of the neural systems that
come mostly from them (from any repository), and one FSDD speaker. Files are
scored as uploads are (4 s chunks, file score = highest chunk). The MFCC +
logistic-regression baseline is trained and scored on the same folds.

| held-out group | pooled EER | worst group | baseline pooled EER |
|---|---:|---:|---:|
| neural systems (leave-systems-out) | {_pct(_pooled(cv["systems"]))} | {_worst(cv["systems"])} | {_pct(_pooled(base["systems"]))} |
| source repositories | {_pct(_pooled(cv["sources"]))} | {_worst(cv["sources"])} | {_pct(_pooled(base["sources"]))} |
| FSDD speakers (leave-one-speaker-out) | {_pct(_pooled(cv["speakers"]))} | {_worst(cv["speakers"])} | {_pct(_pooled(base["speakers"]))} |

Spliced files (8 s of held-out human speech, then 8 s of an unseen system):
every synthetic chunk scores above every human chunk in
**{splices["separated"]} of {splices["files"]}** ({_pct(splices["share"])}).

Calibration (Platt scaling on {calib["chunks"]} out-of-fold chunk scores,
measured fold by fold with a fit on the other folds, classes weighted
equally): expected calibration error **{calib["ece"]:.3f}** (raw scores
{calib["ece_raw"]:.3f}), Brier score **{calib["brier"]:.3f}** (raw
{calib["brier_raw"]:.3f}). Thresholds from the calibrated out-of-fold file
scores: `likely_fake` from **{thresholds["likely_fake_threshold"]:.2f}**
(even odds), `fake` from **{thresholds["fake_threshold"]:.2f}** (at most 1 %
of held-out human files reach it, and at least 0.1 above `likely_fake`).

CPU fast path (int8 Linear layers, bf16 front-end): largest difference from
fp32 over every evaluation chunk **{fast["max_difference"]:.4f}**;
{"kept" if fast["enabled"] else "switched off for this checkpoint (over 0.01)"}.

### Every held-out group

{_group_table(cv, base)}
"""


def _group_table(cv: dict[str, Any], base: dict[str, Any]) -> str:
    rows = ["| kind | group | bona fide | spoof | EER | AUC | baseline EER |"]
    rows.append("|---|---|---:|---:|---:|---:|---:|")
    for kind in ("systems", "sources", "speakers"):
        baseline = {row["name"]: row for row in base[kind]}
        for row in cv[kind]:
            other = baseline.get(row["name"])
            rows.append(
                f"| {kind} | {row['name']} | {row['bonafide']} | {row['spoof']} | "
                f"{_pct(row['eer'])} | {row['auc']:.3f} | "
                f"{_pct(other['eer']) if other else '-'} |"
            )
    return "\n".join(rows)


def _sources(info: dict[str, Any]) -> str:
    rows = ["| repository | licence | bona fide | spoof |", "|---|---|---:|---:|"]
    rows += [
        f"| {s['repository']} | {s['licence']} | {s['bonafide']} | {s['spoof']} |"
        for s in info["sources"]
    ]
    fsdd = info["corpus"].get("fsdd", {})
    rows.append(
        f"| FSDD (4 speakers) + Debian TTS + classic vocoders | CC BY-SA 4.0 | "
        f"{fsdd.get('bonafide', 0)} | "
        f"{sum(v for k, v in fsdd.items() if k != 'bonafide')} |"
    )
    return "\n".join(rows) + "\n"


def _training(info: dict[str, Any]) -> str:
    training = info["training"]
    arch = training["architecture"]
    minutes = {k: v / 60 for k, v in info["stage_seconds"].items()}
    stages = ", ".join(f"{k} {v:.1f} min" for k, v in minutes.items())
    return f"""## Training

WavLM with WavLM's strides at a fraction of the width: {arch["num_hidden_layers"]}
transformer layers of {arch["hidden_size"]}, feature-encoder channels
{arch["conv_dim"][0]}, {info["parameters"]:,} parameters, random
initialisation (seed {training["seed"]}). AdamW (lr {training["learning_rate"]},
weight decay {training["weight_decay"]}), warm-up and cosine decay, batch
{training["batch_size"]}, label smoothing {training["label_smoothing"]};
{training["steps_per_fold"]} steps per fold model, {training["final_steps"]}
for the final model (trained on all material).

Build: {info["build_seconds"] / 60:.1f} min on {info["machine"]} ({stages});
torch {info["versions"]["torch"]}, transformers {info["versions"]["transformers"]}.
Throughput: {info["throughput_audio_seconds_per_second"]:.0f} s of audio per
second at batch {info["throughput_batch_size"]} on this machine. Self-test:
{(info["self_test"] or {}).get("detail", "not run")}.
"""


def _reproduce() -> str:
    return """## Reproduce

    make model          # python manage.py build_default_model
    python manage.py build_default_model --cross-validate-only   # the table only

`build_info.json` beside this card holds every figure above, the folds'
membership and the build's timings.
"""


def _pooled(rows: list[dict[str, Any]]) -> float | None:
    return next((r["eer"] for r in rows if r["name"] == "pooled"), None)


def _worst(rows: list[dict[str, Any]]) -> str:
    groups = [r for r in rows if r["name"] != "pooled"]
    if not groups:
        return "-"
    worst = max(groups, key=lambda r: r["eer"])
    return f"{_pct(worst['eer'])} ({worst['name'][:40]})"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"
