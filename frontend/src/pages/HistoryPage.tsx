import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import type { ReviewFilter } from "../api/endpoints";
import { HistoryFilters, type HistoryFilterValues } from "../components/HistoryFilters";
import { HistoryTable } from "../components/HistoryTable";
import { Pagination } from "../components/Pagination";
import { useHistory } from "../hooks/useHistory";
import { usePageTitle } from "../hooks/usePageTitle";
import type { Assessment, DetectionStatus } from "../types";

const PAGE_SIZE = 20;
const STATUSES: readonly string[] = ["pending", "processing", "completed", "failed"];
const VERDICTS: readonly string[] = ["real", "likely_fake", "fake", "inconclusive"];
const REVIEWS: readonly string[] = ["genuine", "synthetic", "unsure", "none", "disagrees"];

/** Filters and page live in the URL, so Back, reload and shared links keep them. */
export function HistoryPage() {
  usePageTitle("History");
  const [params, setParams] = useSearchParams();
  const [reloadKey, setReloadKey] = useState(0);
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const statusParam = params.get("status") ?? "";
  const verdictParam = params.get("verdict") ?? "";
  const reviewParam = params.get("review") ?? "";
  const filters: HistoryFilterValues = {
    status: (STATUSES.includes(statusParam) ? statusParam : "") as DetectionStatus | "",
    verdict: (VERDICTS.includes(verdictParam) ? verdictParam : "") as Assessment | "",
    search: params.get("search") ?? "",
    review: (REVIEWS.includes(reviewParam) ? reviewParam : "") as ReviewFilter,
  };
  const { page: result, loading, error } = useHistory({ page, pageSize: PAGE_SIZE, ...filters }, reloadKey);
  const pageCount = result ? Math.max(1, Math.ceil(result.count / PAGE_SIZE)) : 1;

  const update = (next: HistoryFilterValues, nextPage = 1) => {
    const query = new URLSearchParams();
    if (next.search.trim()) query.set("search", next.search.trim());
    if (next.status) query.set("status", next.status);
    if (next.verdict) query.set("verdict", next.verdict);
    if (next.review) query.set("review", next.review);
    if (nextPage > 1) query.set("page", String(nextPage));
    setParams(query);
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1 className="page-title">History</h1>
        <button type="button" className="button button--ghost" onClick={() => setReloadKey((n) => n + 1)}>
          Refresh
        </button>
      </div>
      <HistoryFilters values={filters} onChange={(next) => update(next)} />
      <div className="panel history-panel" aria-busy={loading}>
        <p className="muted history-panel__count" role="status">
          {loading ? "Loading…" : result ? `${result.count} detection${result.count === 1 ? "" : "s"}` : ""}
        </p>
        {error ? (
          <p className="banner banner--error" role="alert">
            {error}
          </p>
        ) : null}
        {result && result.results.length ? <HistoryTable rows={result.results} /> : null}
        {result && !result.results.length && !loading ? <p className="muted">No detections match.</p> : null}
        <Pagination page={page} pageCount={pageCount} onPage={(next) => update(filters, next)} />
      </div>
    </div>
  );
}
