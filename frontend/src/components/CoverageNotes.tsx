/** The ways a recording falls outside what the model was trained on (from the status endpoint). */
export function CoverageNotes({ notes }: { notes: readonly string[] }) {
  if (!notes.length) return null;
  return (
    <div className="coverage-notes banner banner--warning" role="note" aria-labelledby="coverage-heading" data-testid="coverage-notes">
      <p id="coverage-heading" className="coverage-notes__title">
        Outside what the model was trained on
      </p>
      <ul>
        {notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
    </div>
  );
}
