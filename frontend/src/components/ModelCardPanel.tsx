import { useId, type ReactNode, type RefObject } from "react";
import { createPortal } from "react-dom";
import { useModal } from "../hooks/useModal";
import type { ModelCard } from "../types";
import { policyOf } from "../verdict";
import { thresholdsText } from "../verdictWords";
import { eerText, HELD_OUT_LABELS, ratesText, TELEPHONE_TEXT } from "../modelWords";

interface ModelCardPanelProps {
  card: ModelCard | null;
  error: string | null;
  /** The result was scored by another model than the one this card describes. */
  otherModel: boolean;
  onClose: () => void;
  /** Where focus goes once the panel has closed. */
  returnFocusTo: RefObject<HTMLElement | null>;
}

/** "What this model knows": a modal side panel with the serving model's card. Escape or Close shuts it. */
export function ModelCardPanel({ card, error, otherModel, onClose, returnFocusTo }: ModelCardPanelProps) {
  const titleId = useId();
  const { sheet, initialFocus } = useModal(onClose, returnFocusTo);

  return createPortal(
    <div ref={sheet} className="side-sheet" onClick={(event) => event.target === event.currentTarget && onClose()}>
      <div className="side-sheet__panel" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="model-card">
        <header className="side-sheet__head">
          <h2 id={titleId} className="section-title">
            What this model knows
          </h2>
          <button ref={initialFocus} type="button" className="button button--ghost" onClick={onClose}>
            Close
          </button>
        </header>
        {card ? <CardBody card={card} otherModel={otherModel} /> : <p role={error ? "alert" : "status"}>{error ?? "Loading the model card…"}</p>}
      </div>
    </div>,
    document.body,
  );
}

function CardBody({ card, otherModel }: { card: ModelCard; otherModel: boolean }) {
  const coverage = card.coverage;
  return (
    <div className="model-card">
      <p className="model-card__name">
        <strong>{card.name}</strong> · version {card.version}
        {card.trained ? null : <span className="badge badge--warning">untrained demo</span>}
      </p>
      {otherModel ? (
        <p className="banner banner--warning">This result was scored by another model; this card describes the one serving now.</p>
      ) : null}
      {card.description ? <p>{card.description}</p> : null}
      {coverage.languages?.length ? (
        <Facts title="Languages">
          <li>{coverage.languages.join(", ")}{coverage.speech_styles?.length ? `: ${coverage.speech_styles.join(", ")}` : ""}</li>
          {coverage.other_languages?.length ? (
            <li>A few files only, so not covered: {coverage.other_languages.join(", ")}</li>
          ) : null}
        </Facts>
      ) : null}
      {coverage.synthesis?.length ? (
        <Facts title="Kinds of synthesis it was trained on">
          {coverage.synthesis.map((kind) => (
            <li key={kind}>{kind}</li>
          ))}
          {coverage.systems?.length ? <li>{coverage.systems.length} named systems: {coverage.systems.join(", ")}</li> : null}
        </Facts>
      ) : null}
      {coverage.sample_rates_hz?.length || coverage.conditions?.length ? (
        <Facts title="Recording conditions">
          {coverage.sample_rates_hz?.length ? <li>Material recorded at {ratesText(coverage.sample_rates_hz)}</li> : null}
          {coverage.telephone_band ? <li>{TELEPHONE_TEXT[coverage.telephone_band]}</li> : null}
          {coverage.codecs?.length ? <li>Codecs: {coverage.codecs.join(", ")}</li> : null}
          {coverage.channels === 1 ? <li>Mono; several channels are mixed into one before scoring</li> : null}
          {(coverage.conditions ?? []).map((condition) => (
            <li key={condition}>{condition}</li>
          ))}
        </Facts>
      ) : null}
      {card.evaluation.length ? (
        <section className="model-card__section">
          <h3>How often it errs on material it never heard</h3>
          <table className="model-card__table">
            <thead>
              <tr>
                <th scope="col">Held out</th>
                <th scope="col">Equal error rate</th>
              </tr>
            </thead>
            <tbody>
              {card.evaluation.map((row) => (
                <tr key={row.held_out}>
                  <th scope="row">{HELD_OUT_LABELS[row.held_out] ?? row.held_out}</th>
                  <td>{eerText(row.eer)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">The equal error rate is where false alarms and misses are equally common; 50 % is a coin toss.</p>
        </section>
      ) : null}
      {card.thresholds.likely_fake_threshold !== undefined ? (
        <p>
          Thresholds: {thresholdsText(policyOf(card.thresholds), card.calibrated)}
          {card.calibrated ? " probability that a stretch is synthetic." : " on its raw score."}
        </p>
      ) : null}
      {card.limits.length ? (
        <Facts title="What it cannot judge">
          {card.limits.map((limit) => (
            <li key={limit}>{limit}</li>
          ))}
        </Facts>
      ) : null}
    </div>
  );
}

function Facts({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="model-card__section">
      <h3>{title}</h3>
      <ul>{children}</ul>
    </section>
  );
}
