"""The model card (README.md): ``templates/model_card.md`` filled from a build record.

Every figure on the card comes from the ``build_info.json`` the build wrote
beside the weights, so regenerating the card of an existing checkpoint needs
that record only (``build_default_model --card-only``).
"""

from pathlib import Path
from string import Template
from typing import Any

from inference.labels import BONAFIDE
from inference.labels import SPOOF
from inference.training.neural import RESERVED_REPOSITORIES
from inference.training.record import read_record

CARD = "README.md"
TEMPLATE = Path(__file__).with_name("templates") / "model_card.md"
KINDS = ("systems", "sources", "speakers")
# Group names in the summary table are cut here; the full table has them whole.
_NAME_WIDTH = 40
# Record values the card shows as they are written, or at a fixed precision.
_CALIBRATION_KEYS = ("ece", "ece_raw", "brier", "brier_raw")
_THRESHOLD_KEYS = ("likely_fake_threshold", "fake_threshold")
_TRAINING_KEYS = (
    "seed",
    "learning_rate",
    "weight_decay",
    "batch_size",
    "label_smoothing",
    "steps_per_fold",
    "final_steps",
)


def write_model_card(directory: Path) -> Path:
    """Render the card of the checkpoint in ``directory`` from its build record."""
    path = directory / CARD
    path.write_text(render(read_record(directory)))
    return path


def render(info: dict[str, Any]) -> str:
    """The card's Markdown for one build record; a missing figure raises KeyError."""
    template = Template(TEMPLATE.read_text())
    return template.substitute(
        _identity(info)
        | _evaluation(info)
        | _material(info)
        | _training(info)
        | _coverage(info)
    )


def _identity(info: dict[str, Any]) -> dict[str, str]:
    return {
        "detector_name": info["detector_name"],
        "detector_version": info["detector_version"],
        "bonafide": BONAFIDE,
        "spoof": SPOOF,
        "machine": info["machine"],
    }


def _evaluation(info: dict[str, Any]) -> dict[str, str]:
    cv, base = info["cross_validation"], info["baseline_cross_validation"]
    calibration, thresholds = info["calibration"], info["thresholds"]
    splices, fast = info["splices"], info["fast_path"]
    values = {
        "fold_count": str(len(info["folds"])),
        "splices_separated": str(splices["separated"]),
        "splices_files": str(splices["files"]),
        "splices_share": _pct(splices["share"]),
        "calibration_chunks": str(calibration["chunks"]),
        **{key: f"{calibration[key]:.3f}" for key in _CALIBRATION_KEYS},
        **{key: f"{thresholds[key]:.2f}" for key in _THRESHOLD_KEYS},
        "fast_path_difference": f"{fast['max_difference']:.4f}",
        "fast_path_outcome": "kept"
        if fast["enabled"]
        else "switched off for this checkpoint (over its tolerance)",
        "group_table": _group_table(cv, base),
    }
    for kind in KINDS:
        values[f"{kind}_pooled"] = _pct(_pooled(cv[kind]))
        values[f"{kind}_worst"] = _worst(cv[kind])
        values[f"{kind}_baseline"] = _pct(_pooled(base[kind]))
    return values


def _group_table(cv: dict[str, Any], base: dict[str, Any]) -> str:
    rows = ["| kind | group | bona fide | spoof | EER | AUC | baseline EER |"]
    rows.append("|---|---|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        baseline = {row["name"]: row for row in base[kind]}
        for row in cv[kind]:
            other = baseline.get(row["name"])
            rows.append(
                f"| {kind} | {row['name']} | {row[BONAFIDE]} | {row[SPOOF]} | "
                f"{_pct(row['eer'])} | {row['auc']:.3f} | "
                f"{_pct(other['eer']) if other else '-'} |"
            )
    return "\n".join(rows)


def _material(info: dict[str, Any]) -> dict[str, str]:
    speakers = sorted(fold["fsdd_speaker"] for fold in info["folds"])
    fsdd = info["corpus"].get("fsdd", {})
    return {
        "fsdd_speakers": ", ".join(speakers),
        "fsdd_speaker_count": str(len(speakers)),
        "fsdd_bonafide": str(fsdd.get(BONAFIDE, 0)),
        "fsdd_spoof": str(sum(n for key, n in fsdd.items() if key != BONAFIDE)),
        "reserved_repositories": ", ".join(sorted(RESERVED_REPOSITORIES)),
        "source_rows": "\n".join(
            f"| {s['repository']} | {s['licence']} | {s[BONAFIDE]} | {s[SPOOF]} |"
            for s in info["sources"]
        ),
        "copies_per_file": str(info["copies_per_file"]),
    }


def _training(info: dict[str, Any]) -> dict[str, str]:
    training = info["training"]
    arch = training["architecture"]
    self_test = info["self_test"] or {}
    return {
        "layers": str(arch["num_hidden_layers"]),
        "hidden_size": str(arch["hidden_size"]),
        "conv_channels": str(arch["conv_dim"][0]),
        "parameters": f"{info['parameters']:,}",
        "crop_seconds": f"{training['crop_seconds']:g}",
        **{key: str(training[key]) for key in _TRAINING_KEYS},
        "build_minutes": _minutes(info["build_seconds"]),
        "stage_minutes": ", ".join(
            f"{name} {_minutes(seconds)} min"
            for name, seconds in info["stage_seconds"].items()
        ),
        "torch_version": info["versions"]["torch"],
        "transformers_version": info["versions"]["transformers"],
        "throughput": f"{info['throughput_audio_seconds_per_second']:.0f}",
        "throughput_batch_size": str(info["throughput_batch_size"]),
        "self_test": self_test.get("detail", "not run"),
    }


def _coverage(info: dict[str, Any]) -> dict[str, str]:
    coverage = info["coverage"]
    return {
        "conditions": "\n".join(f"- {c}" for c in coverage["conditions"]),
        "languages": " and ".join(coverage["languages"]),
        "speech_styles": " and ".join(coverage["speech_styles"]),
        "other_languages": ", ".join(coverage["other_languages"]),
        "system_count": str(len(coverage["systems"])),
        "synthesis": "; ".join(coverage["synthesis"]),
    }


def _pooled(rows: list[dict[str, Any]]) -> float | None:
    return next((r["eer"] for r in rows if r["name"] == "pooled"), None)


def _worst(rows: list[dict[str, Any]]) -> str:
    groups = [r for r in rows if r["name"] != "pooled"]
    if not groups:
        return "-"
    worst = max(groups, key=lambda r: r["eer"])
    return f"{_pct(worst['eer'])} ({worst['name'][:_NAME_WIDTH]})"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f}"
