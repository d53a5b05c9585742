import { useEffect, useState, type FormEvent } from "react";
import type { ReviewFilter } from "../api/endpoints";
import type { Assessment, DetectionStatus } from "../types";

export interface HistoryFilterValues {
  status: DetectionStatus | "";
  verdict: Assessment | "";
  search: string;
  review: ReviewFilter;
}

interface HistoryFiltersProps {
  values: HistoryFilterValues;
  onChange: (values: HistoryFilterValues) => void;
}

const STATUS_OPTIONS: [DetectionStatus | "", string][] = [
  ["", "Any status"],
  ["pending", "Queued"],
  ["processing", "Analysing"],
  ["completed", "Completed"],
  ["failed", "Failed"],
];

const VERDICT_OPTIONS: [Assessment | "", string][] = [
  ["", "Any verdict"],
  ["real", "Real"],
  ["likely_fake", "Likely fake"],
  ["fake", "Fake"],
  ["inconclusive", "Inconclusive"],
];

const REVIEW_OPTIONS: [ReviewFilter, string][] = [
  ["", "Any review"],
  ["genuine", "Labelled genuine"],
  ["synthetic", "Labelled synthetic"],
  ["unsure", "Labelled unsure"],
  ["none", "Not labelled"],
  ["disagrees", "Disagrees with the model"],
];

/** Search by file name (submitted with Enter or the button) and filters that apply at once. */
export function HistoryFilters({ values, onChange }: HistoryFiltersProps) {
  const [search, setSearch] = useState(values.search);
  useEffect(() => setSearch(values.search), [values.search]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...values, search });
  };

  return (
    <form className="filters" role="search" aria-label="Filter the history" onSubmit={submit}>
      <div className="field filters__search">
        <label htmlFor="history-search">File name</label>
        <div className="filters__search-row">
          <input
            id="history-search"
            type="search"
            value={search}
            placeholder="e.g. interview.wav"
            onChange={(event) => setSearch(event.target.value)}
            data-testid="history-search"
          />
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </div>
      <div className="field">
        <label htmlFor="history-status">Status</label>
        <select
          id="history-status"
          value={values.status}
          onChange={(event) => onChange({ ...values, search, status: event.target.value as DetectionStatus | "" })}
          data-testid="history-status"
        >
          {STATUS_OPTIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="history-verdict">Verdict</label>
        <select
          id="history-verdict"
          value={values.verdict}
          onChange={(event) => onChange({ ...values, search, verdict: event.target.value as Assessment | "" })}
          data-testid="history-verdict"
        >
          {VERDICT_OPTIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="history-review">Your review</label>
        <select
          id="history-review"
          value={values.review}
          onChange={(event) => onChange({ ...values, search, review: event.target.value as ReviewFilter })}
          data-testid="history-review"
        >
          {REVIEW_OPTIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
