import { useEffect, useState } from "react";
import { errorMessage } from "../api/errors";
import { fetchModelCard } from "../api/modelCard";
import { useAuth } from "../auth/AuthContext";
import type { ModelCard } from "../types";

export interface ModelCardState {
  card: ModelCard | null;
  error: string | null;
}

/** The serving model's card, fetched once per signed-in client and shared by every result. */
export function useModelCard(): ModelCardState {
  const { client } = useAuth();
  const [state, setState] = useState<ModelCardState>({ card: null, error: null });
  useEffect(() => {
    let live = true;
    fetchModelCard(client)
      .then((card) => live && setState({ card, error: null }))
      .catch((error: unknown) => live && setState({ card: null, error: errorMessage(error) }));
    return () => {
      live = false;
    };
  }, [client]);
  return state;
}
