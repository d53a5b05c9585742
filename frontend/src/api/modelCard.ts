import type { ModelCard } from "../types";
import type { ApiClient } from "./client";

/** What the serving model knows (GET model); the same for every result, so fetched once per client. */
const cards = new WeakMap<ApiClient, Promise<ModelCard>>();

export function fetchModelCard(client: ApiClient): Promise<ModelCard> {
  let card = cards.get(client);
  if (!card) {
    card = client.json<ModelCard>("model");
    // A failure is not remembered: the next panel opened asks again.
    card.catch(() => cards.delete(client));
    cards.set(client, card);
  }
  return card;
}
