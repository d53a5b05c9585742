import type { ModelInfo as ModelInfoData } from "../types";

/** The model that scored the detection. */
export function ModelInfo({ model }: { model: ModelInfoData }) {
  return (
    <section className="model" aria-labelledby="model-heading">
      <h2 id="model-heading" className="section-title">
        Model
      </h2>
      <p className="model__name" data-testid="model-name">
        {model.name || "Not assigned yet"}
        {model.version ? <span className="model__version"> · version {model.version}</span> : null}
        {model.trained === false ? <span className="badge badge--warning">untrained demo</span> : null}
      </p>
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
