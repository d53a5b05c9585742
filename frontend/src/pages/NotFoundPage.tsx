import { Link } from "react-router-dom";
import { usePageTitle } from "../hooks/usePageTitle";

export function NotFoundPage() {
  usePageTitle("Not found");
  return (
    <div className="page">
      <h1 className="page-title">Page not found</h1>
      <p>
        <Link to="/">Go to the upload page</Link>
      </p>
    </div>
  );
}
