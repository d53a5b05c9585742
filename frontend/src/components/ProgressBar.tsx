interface ProgressBarProps {
  value: number;
  max: number;
  label: string;
  /** Shown beside the bar, e.g. "3 of 10 chunks". */
  text?: string;
  tone?: "normal" | "error" | "done";
}

/** A labelled progress bar (role=progressbar, so screen readers get the numbers). */
export function ProgressBar({ value, max, label, text, tone = "normal" }: ProgressBarProps) {
  const safeMax = max > 0 ? max : 1;
  const percent = Math.min(100, Math.max(0, (value / safeMax) * 100));
  return (
    <div className="progress">
      <div
        className={`progress__track progress__track--${tone}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
        aria-valuetext={text ?? `${Math.round(percent)}%`}
      >
        <div className="progress__fill" style={{ width: `${percent}%` }} />
      </div>
      {text ? <span className="progress__text">{text}</span> : null}
    </div>
  );
}
