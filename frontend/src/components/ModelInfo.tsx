import { useCallback, useRef, useState } from "react";
import type { ModelCardState } from "../hooks/useModelCard";
import { cardMatches, modelSummary } from "../modelWords";
import type { ModelInfo as ModelInfoData } from "../types";
import { ModelCardPanel } from "./ModelCardPanel";

const UNTRAINED_SUMMARY = "An untrained demonstration model: its scores are random.";

/** The model that scored the detection, in words, one click from its card. */
export function ModelInfo({ model, card }: { model: ModelInfoData; card: ModelCardState }) {
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const close = useCallback(() => setOpen(false), []);
  const own = cardMatches(card.card, model) ? card.card : null;
  const summary = model.trained === false ? UNTRAINED_SUMMARY : own ? modelSummary(own) : "";

  return (
    <section className="model" aria-labelledby="model-heading">
      <h2 id="model-heading" className="section-title">
        Model
      </h2>
      <p className="model__name" data-testid="model-name">
        {model.name}
        {model.version ? <span className="model__version"> · version {model.version}</span> : null}
        {model.trained === false ? <span className="badge badge--warning">untrained demo</span> : null}
      </p>
      {summary ? (
        <p className="model__summary" data-testid="model-summary">
          {summary}
        </p>
      ) : null}
      <button ref={trigger} type="button" className="link-button" onClick={() => setOpen(true)} aria-haspopup="dialog">
        What this model knows
      </button>
      {open ? <ModelCardPanel card={card.card} error={card.error} otherModel={card.card !== null && own === null} onClose={close} returnFocusTo={trigger} /> : null}
    </section>
  );
}

/** A banner that cannot be missed when the scores come from an untrained demonstration model. */
export function ModelWarning({ model }: { model: ModelInfoData }) {
  if (model.trained !== false) return null;
  return (
    <div className="banner banner--warning" role="note" aria-label="Model warning" data-testid="model-warning">
      <span className="banner__icon" aria-hidden="true">
        ⚠
      </span>
      <p>
        <strong>Untrained model.</strong>{" "}
        {model.warning || "These scores come from an untrained demonstration model and say nothing about this recording."}
      </p>
    </div>
  );
}
