import { ApiClient } from "./client";

/** The one client the app uses; tests build their own. */
export const api = new ApiClient();
