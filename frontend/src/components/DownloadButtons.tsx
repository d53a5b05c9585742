import { detectionToCsv, detectionToJson, downloadText, exportFileName } from "../export";
import type { Detection } from "../types";

/** The detection as JSON (everything) or CSV (chunk,start,end,score,speech). */
export function DownloadButtons({ detection }: { detection: Detection }) {
  return (
    <div className="downloads" role="group" aria-label="Download this detection">
      <button
        type="button"
        className="button"
        data-testid="download-json"
        onClick={() => downloadText(detectionToJson(detection), exportFileName(detection, "json"), "application/json")}
      >
        Download JSON
      </button>
      <button
        type="button"
        className="button"
        data-testid="download-csv"
        onClick={() => downloadText(detectionToCsv(detection), exportFileName(detection, "csv"), "text/csv")}
      >
        Download CSV
      </button>
    </div>
  );
}
