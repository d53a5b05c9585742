import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useAuth } from "../auth/AuthContext";
import { recentDetections } from "./recent";
import { DetectionSocket, detectionsSocketUrl, type SocketState } from "./socket";
import { DetectionStore } from "./store";

/** While the socket is down, running detections on screen are re-read this often. */
const POLL_WHILE_OFFLINE_MS = 5000;

interface LiveContextValue {
  store: DetectionStore;
  socketState: SocketState;
}

const LiveContext = createContext<LiveContextValue | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const { client, status } = useAuth();
  const store = useMemo(() => new DetectionStore(client), [client]);
  const [socketState, setSocketState] = useState<SocketState>("closed");
  const signedIn = status === "signed-in";

  useEffect(() => {
    if (!signedIn) return;
    const socket = new DetectionSocket({
      url: detectionsSocketUrl(),
      client,
      onMessage: (message) => store.applyMessage(message),
      onOpen: () => void store.resyncWatched(),
      onStateChange: setSocketState,
    });
    socket.start();
    const onOnline = () => socket.reconnectNow();
    window.addEventListener("online", onOnline);
    const poll = window.setInterval(() => {
      if (socket.state !== "open") void store.pollUnfinished();
    }, POLL_WHILE_OFFLINE_MS);
    return () => {
      window.removeEventListener("online", onOnline);
      window.clearInterval(poll);
      socket.stop();
    };
  }, [client, signedIn, store]);

  // A signed-out browser keeps nothing of the previous user's detections.
  useEffect(() => {
    if (status !== "signed-out") return;
    store.clear();
    recentDetections.clear();
  }, [status, store]);

  const value = useMemo(() => ({ store, socketState }), [store, socketState]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveContextValue {
  const value = useContext(LiveContext);
  if (!value) throw new Error("useLive() needs a <LiveProvider> above it");
  return value;
}
