import { useId } from "react";

interface LiveControlsProps {
  /** A stream is being opened or runs: only Stop is offered. */
  running: boolean;
  /** Stop was pressed; the final result is on its way. */
  stopping: boolean;
  onMicrophone: () => void;
  onFile: (file: File) => void;
  onStop: () => void;
}

/** Start from the microphone or a local file, or stop the running stream. */
export function LiveControls({ running, stopping, onMicrophone, onFile, onStop }: LiveControlsProps) {
  const hintId = useId();
  if (running) {
    return (
      <div className="live-controls">
        {/* It replaces the button just pressed (the key makes it a new element), so focus moves to it rather than to the page. */}
        <button key="stop" type="button" className="button button--danger" onClick={onStop} disabled={stopping} autoFocus>
          <span aria-hidden="true">■</span> {stopping ? "Stopping…" : "Stop"}
        </button>
      </div>
    );
  }
  return (
    <div className="live-controls">
      <button type="button" className="button button--primary" onClick={onMicrophone}>
        <span aria-hidden="true">●</span> Start microphone
      </button>
      <label className="button live-controls__file">
        Stream a file
        <input
          className="visually-hidden"
          type="file"
          accept="audio/*"
          aria-describedby={hintId}
          data-testid="live-file-input"
          onChange={(event) => {
            const file = event.target.files?.[0];
            // Let the same file be picked again.
            event.target.value = "";
            if (file) onFile(file);
          }}
        />
      </label>
      <p id={hintId} className="live-controls__hint muted">
        A file is sent at real time, as if it were being spoken now.
      </p>
    </div>
  );
}
