import { RecentDetections } from "../components/RecentDetections";
import { UploadArea } from "../components/UploadArea";
import { usePageTitle } from "../hooks/usePageTitle";

export function DashboardPage() {
  usePageTitle("Upload");
  return (
    <div className="page">
      <h1 className="page-title">Is this voice real?</h1>
      <p className="lede">
        Upload recordings to score every few seconds of speech for signs of synthesis. Results appear here as they arrive.
      </p>
      <div className="dashboard">
        <UploadArea />
        <RecentDetections />
      </div>
    </div>
  );
}
