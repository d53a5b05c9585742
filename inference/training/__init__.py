"""Building, evaluating and fine-tuning detector checkpoints (not for the web)."""
