"""Compare reviewers' labels with model scores, and recalibrate a version's thresholds."""

import getpass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from detector.models import Detection
from detector.reviews import calibration
from detector.reviews.models import ThresholdOverride
from detector.reviews.thresholds import retire_override

HEADER = (
    "model",
    "version",
    "labels",
    "genuine",
    "synthetic",
    "agreement",
    "EER",
    "ECE",
)
ROW = "{:<28} {:<12} {:>6} {:>7} {:>9} {:>9} {:>7} {:>6}"


class Command(BaseCommand):
    help = (
        "Compare genuine/synthetic reviewer labels with the model's scores per model "
        "version (count, agreement with the verdict, EER, class-balanced ECE); with "
        "--fit propose recalibrated thresholds, with --write store them for later "
        "results of that version; --retire takes a stored override out of use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model-version", help="only detections of this version")
        parser.add_argument(
            "--fit", action="store_true", help="propose thresholds from the labels"
        )
        parser.add_argument(
            "--write",
            action="store_true",
            help="store the proposed thresholds (asks first; implies --fit)",
        )
        parser.add_argument(
            "--yes", action="store_true", help="write without asking (scripts)"
        )
        parser.add_argument(
            "--retire",
            type=int,
            metavar="OVERRIDE_ID",
            help="take this threshold override out of use for later results",
        )
        parser.add_argument(
            "--operator",
            default=getpass.getuser(),
            help="who confirmed or retired the thresholds (default: the OS user)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retire"] is not None:
            self._retire(options["retire"], options["operator"])
            return
        detections = Detection.objects.all()
        if options["model_version"]:
            detections = detections.filter(model_version=options["model_version"])
        groups = calibration.labelled_scores(detections)
        if not groups:
            raise CommandError(
                "No completed detection with a genuine or synthetic label has a "
                "verdict to compare with; nothing to report."
            )
        self._print_report(groups)
        if options["fit"] or options["write"]:
            self._fit(groups, options)

    def _print_report(
        self, groups: dict[calibration.ModelKey, list[calibration.LabelledScore]]
    ) -> None:
        self.stdout.write(ROW.format(*HEADER))
        for (name, version), samples in groups.items():
            result = calibration.report(samples)
            eer = "n/a" if result.eer is None else f"{result.eer:.1%}"
            self.stdout.write(
                ROW.format(
                    name,
                    version,
                    result.count,
                    result.genuine,
                    result.synthetic,
                    f"{result.agreement:.1%}",
                    eer,
                    f"{result.ece:.3f}",
                )
            )

    def _fit(
        self,
        groups: dict[calibration.ModelKey, list[calibration.LabelledScore]],
        options: dict[str, Any],
    ) -> None:
        if len(groups) > 1:
            versions = ", ".join(f"{name} {version}" for name, version in groups)
            raise CommandError(
                f"Labels cover several model versions ({versions}); choose one "
                "with --model-version to fit thresholds."
            )
        [((name, version), samples)] = groups.items()
        try:
            fit = calibration.fit_thresholds(
                samples,
                settings.DETECTOR_CALIBRATION_MIN_LABELS,
                settings.DETECTOR_CALIBRATION_MAX_FALSE_ALARM,
            )
        except calibration.NotEnoughLabelsError as error:
            raise CommandError(f"Cannot fit {name} {version}: {error}") from None
        policy = fit.policy
        self.stdout.write(
            f"\nProposed thresholds for {name} {version} from {fit.label_count} "
            f"labels:\n"
            f"  likely fake from {policy.likely_fake_threshold:.4f}\n"
            f"  fake from {policy.fake_threshold:.4f}\n"
            f"  (EER {fit.eer:.1%} at {fit.eer_threshold:.4f}; at most "
            f"{settings.DETECTOR_CALIBRATION_MAX_FALSE_ALARM:.0%} of genuine "
            f"recordings flagged from {fit.false_alarm_threshold:.4f})\n"
            f"  agreement with the labels under these thresholds: "
            f"{fit.agreement:.1%}"
        )
        if not options["write"]:
            return
        if not options["yes"] and not self._confirm(name, version):
            self.stdout.write("Nothing written.")
            return
        override = ThresholdOverride.objects.create(
            model_name=name,
            model_version=version,
            likely_fake_threshold=policy.likely_fake_threshold,
            fake_threshold=policy.fake_threshold,
            label_count=fit.label_count,
            eer=fit.eer,
            created_by=options["operator"],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote threshold override {override.pk}: results of {name} "
                f"{version} scored from now on use these thresholds; earlier "
                "results keep theirs."
            )
        )

    def _confirm(self, name: str, version: str) -> bool:
        try:
            answer = input(
                f"Decide later results of {name} {version} with these thresholds? "
                "[y/N] "
            )
        except EOFError:  # no terminal: never write unconfirmed
            return False
        return answer.strip().lower() in {"y", "yes"}

    def _retire(self, override_id: int, operator: str) -> None:
        override = ThresholdOverride.objects.filter(pk=override_id).first()
        if override is None:
            raise CommandError(f"There is no threshold override {override_id}.")
        if override.retired_at is not None:
            raise CommandError(
                f"Threshold override {override_id} was already retired by "
                f"{override.retired_by} on {override.retired_at:%Y-%m-%d %H:%M} UTC."
            )
        now_applies = retire_override(override, operator)
        instead = (
            f"threshold override {now_applies.pk} of {now_applies.created_at:%Y-%m-%d}"
            if now_applies
            else "the model's own thresholds"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Retired threshold override {override_id}: results of "
                f"{override.model_name} {override.model_version} scored from now on "
                f"use {instead}; earlier results keep theirs."
            )
        )
