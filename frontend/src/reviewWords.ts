import type { ReviewLabel } from "./types";

/** The labels a reviewer can give, in the order the form offers them. */
export const REVIEW_LABELS: { value: ReviewLabel; text: string }[] = [
  { value: "genuine", text: "Genuine" },
  { value: "synthetic", text: "Synthetic" },
  { value: "unsure", text: "Unsure" },
];

export function labelText(label: ReviewLabel): string {
  return REVIEW_LABELS.find((option) => option.value === label)?.text ?? label;
}
