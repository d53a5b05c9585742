import { describe, expect, it, vi } from "vitest";
import { makeJwt } from "../test/jwt";
import { ApiClient } from "./client";
import { ApiError } from "./errors";
import { ACCESS_KEY, memoryStorage, REFRESH_KEY } from "./tokens";
import { uploadFile } from "./upload";

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Just enough XMLHttpRequest for uploadFile: progress events, then the reply. */
function fakeXhr(reply: Reply, sent: { auth: string | null; body: FormData | null }[]) {
  return () => {
    const listeners: Record<string, () => void> = {};
    const uploadListeners: Record<string, (event: ProgressEvent) => void> = {};
    let auth: string | null = null;
    const xhr = {
      status: 0,
      responseText: "",
      upload: { addEventListener: (type: string, fn: (event: ProgressEvent) => void) => (uploadListeners[type] = fn) },
      addEventListener: (type: string, fn: () => void) => (listeners[type] = fn),
      open: vi.fn(),
      setRequestHeader: (name: string, value: string) => {
        if (name === "Authorization") auth = value;
      },
      getResponseHeader: (name: string) => reply.headers?.[name] ?? null,
      abort: vi.fn(),
      send: (body: FormData) => {
        sent.push({ auth, body });
        uploadListeners.progress?.({ loaded: 5, total: 10, lengthComputable: true } as ProgressEvent);
        uploadListeners.progress?.({ loaded: 10, total: 10, lengthComputable: true } as ProgressEvent);
        xhr.status = reply.status;
        xhr.responseText = JSON.stringify(reply.body);
        listeners.load?.();
      },
    };
    return xhr as unknown as XMLHttpRequest;
  };
}

function client() {
  const storage = memoryStorage();
  storage.setItem(ACCESS_KEY, makeJwt({ exp: Date.now() / 1000 + 900 }));
  storage.setItem(REFRESH_KEY, "r");
  return new ApiClient({ storage, fetch: vi.fn<typeof fetch>(), autoRefresh: false });
}

const file = new File([new Uint8Array(10)], "clip.wav", { type: "audio/wav" });

describe("uploadFile", () => {
  it("posts the file in the multipart field `file` and reports progress", async () => {
    const sent: { auth: string | null; body: FormData | null }[] = [];
    const progress = vi.fn();
    const accepted = await uploadFile(
      client(),
      file,
      progress,
      undefined,
      fakeXhr({ status: 202, body: { request_id: "abc", status: "pending", status_url: "/x" } }, sent),
    );
    expect(accepted.request_id).toBe("abc");
    expect(sent[0]?.auth).toMatch(/^Bearer /);
    expect((sent[0]?.body?.get("file") as File).name).toBe("clip.wav");
    expect(progress.mock.calls.map((call) => call[0])).toEqual([
      { loaded: 5, total: 10 },
      { loaded: 10, total: 10 },
    ]);
  });

  it.each([
    [413, { detail: "The file is larger than the 50 MB upload limit." }, "The file is larger than the 50 MB upload limit."],
    [415, { detail: "This file is not a supported audio format." }, "This file is not a supported audio format."],
    [429, { detail: "Request was throttled. Expected available in 30 seconds." }, "Request was throttled. Expected available in 30 seconds."],
    [413, null, "The file is too large to upload."],
  ])("shows a %s refusal in words", async (status, body, message) => {
    const error = await uploadFile(client(), file, undefined, undefined, fakeXhr({ status, body, headers: { "Retry-After": "30" } }, [])).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(status);
    expect((error as ApiError).message).toBe(message);
  });

  it("refreshes and sends again once after a 401", async () => {
    const api = client();
    const refresh = vi.spyOn(api, "refresh").mockResolvedValue("fresh-token");
    const sent: { auth: string | null; body: FormData | null }[] = [];
    let calls = 0;
    const factory = () => {
      calls += 1;
      return fakeXhr(calls === 1 ? { status: 401, body: { detail: "expired" } } : { status: 202, body: { request_id: "ok" } }, sent)();
    };
    await expect(uploadFile(api, file, undefined, undefined, factory)).resolves.toMatchObject({ request_id: "ok" });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(sent[1]?.auth).toBe("Bearer fresh-token");
  });

});
