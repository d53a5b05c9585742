import { useId, useRef, useState, type DragEvent } from "react";
import { useUploads } from "../hooks/useUploads";
import { UploadList } from "./UploadList";

const ACCEPT = "audio/*,.wav,.flac,.mp3,.ogg,.opus,.m4a,.mp4,.webm";

/** Drop zone and file picker (several files at once), with the upload queue under it. */
export function UploadArea() {
  const { items, add, cancel, dismiss } = useUploads();
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const hintId = useId();

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length) add(event.dataTransfer.files);
  };

  return (
    <section className="panel upload" aria-labelledby="upload-heading">
      <h2 id="upload-heading" className="section-title">
        Check recordings
      </h2>
      <div
        className={`dropzone${dragging ? " dropzone--active" : ""}`}
        onDragEnter={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
        }}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <span className="dropzone__icon" aria-hidden="true">
          ⇪
        </span>
        <p className="dropzone__title">Drop audio files here</p>
        <p className="dropzone__or">or</p>
        <label className="button button--primary dropzone__pick">
          Choose files
          <input
            ref={inputRef}
            className="visually-hidden"
            type="file"
            multiple
            accept={ACCEPT}
            aria-describedby={hintId}
            data-testid="upload-input"
            onChange={(event) => {
              if (event.target.files?.length) add(event.target.files);
              // Let the same file be picked again.
              event.target.value = "";
            }}
          />
        </label>
        <p id={hintId} className="dropzone__hint">
          WAV, FLAC, MP3, OGG, M4A or WebM. Several files at once are fine.
        </p>
      </div>
      <UploadList items={items} onCancel={cancel} onDismiss={dismiss} />
    </section>
  );
}
