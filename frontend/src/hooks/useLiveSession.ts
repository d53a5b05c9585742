import { useEffect, useReducer, useRef } from "react";
import { useAuth } from "../auth/AuthContext";
import { openFile, openMicrophone, type AudioSource } from "../live/capture";
import { INITIAL_LIVE_STATE, isActive, liveReducer, type LiveSourceKind, type LiveState } from "../live/liveState";
import { LiveSession } from "../live/session";

export interface LiveControls {
  state: LiveState;
  startMicrophone: () => void;
  startFile: (file: File) => void;
  stop: () => void;
}

/** The Live page's stream: one session at a time, ended when the page goes away. */
export function useLiveSession(): LiveControls {
  const { client } = useAuth();
  const [state, dispatch] = useReducer(liveReducer, INITIAL_LIVE_STATE);
  const session = useRef<LiveSession | null>(null);

  useEffect(() => () => session.current?.dispose(), []);

  const start = (kind: LiveSourceKind, open: () => Promise<AudioSource>) => {
    if (isActive(state.phase)) return;
    session.current?.dispose();
    const next = new LiveSession({ client, dispatch });
    session.current = next;
    void next.start(kind, open);
  };

  return {
    state,
    startMicrophone: () => start("microphone", () => openMicrophone(`Microphone, ${new Date().toLocaleString()}`)),
    startFile: (file) => start("file", () => openFile(file)),
    stop: () => session.current?.stop(),
  };
}
