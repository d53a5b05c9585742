// The model card (GET model) in sentences for people who never read one.
import type { ModelCard, ModelInfo } from "./types";
import { percentText } from "./verdictWords";

/** The card describes the model that scored this result (not only the one serving now). */
export function cardMatches(card: ModelCard | null, model: ModelInfo | null | undefined): card is ModelCard {
  return Boolean(card && model && card.name === model.name && card.version === model.version);
}

/** One sentence on what the model is, from its declared coverage, else the card's first sentence. */
export function modelSummary(card: ModelCard): string {
  const coverage = card.coverage;
  if (coverage.synthesis?.length) {
    const languages = coverage.languages?.length ? `${coverage.languages.join(" and ")} ` : "";
    const kinds = listText(coverage.synthesis.map((kind) => kind.replace(/\s*\(.*\)$/, "")));
    const systems = coverage.systems?.length ? ` (${coverage.systems.length} systems)` : "";
    return `Detects synthetic ${languages}speech. Trained on ${kinds}${systems}.`;
  }
  const first = /^.*?[.!?](\s|$)/.exec(card.description)?.[0] ?? card.description;
  return first.trim();
}

/** "a, b and c". */
export function listText(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}` : (items[0] ?? "");
}

/** What each kind of held-out group means. */
export const HELD_OUT_LABELS: Record<string, string> = {
  systems: "Synthesis systems it never heard",
  sources: "Websites and corpora it never heard",
  speakers: "Speakers it never heard",
};

export function eerText(eer: number | null | undefined): string {
  return typeof eer === "number" ? percentText(eer) : "–";
}

/** Sample rates as "8 kHz and 16 kHz". */
export function ratesText(rates: readonly number[]): string {
  return rates.map((rate) => `${rate / 1000} kHz`).join(" and ");
}

export const TELEPHONE_TEXT: Record<string, string> = {
  recorded: "Telephone-band speech: recorded phone audio is in the material.",
  simulated: "Telephone-band speech: only through simulated telephone lines, never real phone calls.",
  none: "Telephone-band speech: not in the material.",
};
