"""The body of GET model: what the serving checkpoint is, knows and cannot judge."""

from rest_framework import serializers


class CoverageSerializer(serializers.Serializer):
    """The material the model was trained on; every field is absent when undeclared."""

    languages = serializers.ListField(child=serializers.CharField(), required=False)
    other_languages = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Heard in a few files only: not covered.",
    )
    speech_styles = serializers.ListField(child=serializers.CharField(), required=False)
    synthesis = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Kinds of synthesis in the training material.",
    )
    systems = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The synthesis systems the material holds, by name.",
    )
    sample_rates_hz = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Sample rates of the material as recorded.",
    )
    telephone_band = serializers.ChoiceField(
        choices=("recorded", "simulated", "none"),
        required=False,
        help_text="How telephone-band audio reached the model.",
    )
    codecs = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text='Codecs of the material ("pcm": uncompressed or lossless).',
    )
    channels = serializers.IntegerField(required=False)
    conditions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Recording conditions the material was put through.",
    )


class EvaluationSerializer(serializers.Serializer):
    held_out = serializers.CharField(
        help_text="What each fold held out: systems, sources or speakers."
    )
    eer = serializers.FloatField(allow_null=True, help_text="Pooled equal error rate.")
    auc = serializers.FloatField(allow_null=True)


class ThresholdsSerializer(serializers.Serializer):
    likely_fake_threshold = serializers.FloatField(required=False)
    fake_threshold = serializers.FloatField(required=False)


class ModelCardSerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()
    trained = serializers.BooleanField()
    calibrated = serializers.BooleanField(
        help_text="Scores are calibrated probabilities that a chunk is synthetic."
    )
    description = serializers.CharField(
        source="summary", help_text="The model card's opening paragraph."
    )
    trained_on = serializers.ListField(
        child=serializers.CharField(), help_text="The card's training material."
    )
    limits = serializers.ListField(
        child=serializers.CharField(), help_text="What the card says it does not cover."
    )
    coverage = CoverageSerializer()
    evaluation = EvaluationSerializer(many=True)
    thresholds = ThresholdsSerializer()
