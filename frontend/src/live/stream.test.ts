import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeStreamSocket, FINAL, STARTED, windowMessage } from "../test/fakeStreamSocket";
import { LiveStream, streamSocketUrl } from "./stream";
import { closeReason, parseStreamMessage } from "./streamMessages";

const START = { sample_rate: 48_000, encoding: "pcm_s16le", channels: 1, label: "Call with the bank" } as const;

function setup(tokens: { access?: string | null; refreshed?: string | null } = {}) {
  const client = {
    accessToken: vi.fn(async () => (tokens.access === undefined ? "token-1" : tokens.access)),
    refresh: vi.fn(async () => (tokens.refreshed === undefined ? "token-2" : tokens.refreshed)),
  };
  const handlers = { onStarted: vi.fn(), onWindow: vi.fn(), onFinal: vi.fn(), onFailed: vi.fn() };
  const stream = new LiveStream({
    url: "ws://app.test/ws/v1/stream/",
    client,
    ...handlers,
    createSocket: (url, protocols) => new FakeStreamSocket(url, protocols) as unknown as WebSocket,
  });
  return { client, handlers, stream };
}

/** Open the stream and let the server start it. */
async function started() {
  const context = setup();
  await context.stream.open(START);
  FakeStreamSocket.last().open();
  FakeStreamSocket.last().receive(STARTED);
  return context;
}

beforeEach(() => {
  FakeStreamSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeStreamSocket);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("LiveStream", () => {
  it("offers the token as a subprotocol and sends start first", async () => {
    const { stream, handlers } = setup();
    await stream.open(START);
    const socket = FakeStreamSocket.last();
    expect(socket.url).toBe("ws://app.test/ws/v1/stream/");
    expect(socket.protocols).toEqual(["bearer", "token-1"]);
    expect(socket.binaryType).toBe("arraybuffer");
    expect(socket.json).toEqual([]);
    socket.open();
    expect(socket.json).toEqual([{ type: "start", ...START }]);
    socket.receive(STARTED);
    expect(handlers.onStarted).toHaveBeenCalledWith(STARTED);
  });

  it("sends frames as binary only once the server started the stream", async () => {
    const { stream } = setup();
    await stream.open(START);
    const socket = FakeStreamSocket.last();
    socket.open();
    stream.send(Int16Array.of(1, 2));
    socket.receive(STARTED);
    stream.send(Int16Array.of(3, -4));
    expect(socket.frames).toEqual([[3, -4]]);
  });

  it("passes windows on, then asks for the final result on stop and reports it", async () => {
    const { stream, handlers } = await started();
    const socket = FakeStreamSocket.last();
    socket.receive(windowMessage(0, 1, 0.2, { provisional: true }));
    expect(handlers.onWindow).toHaveBeenCalledWith(expect.objectContaining({ start: 0, end: 1, provisional: true }));
    expect(stream.stop()).toBe(true);
    expect(socket.json.at(-1)).toEqual({ type: "stop" });
    stream.send(Int16Array.of(5));
    expect(socket.frames).toEqual([]);
    socket.receive(FINAL);
    socket.serverClose(1000);
    expect(handlers.onFinal).toHaveBeenCalledWith(FINAL);
    expect(handlers.onFailed).not.toHaveBeenCalled();
  });

  it("reports the server's error sentence, not the close code that follows", async () => {
    const { handlers } = await started();
    const socket = FakeStreamSocket.last();
    const message = "Audio arrived faster than 2 times real time; send it as it is captured.";
    socket.receive({ type: "error", code: "too_fast", message });
    socket.serverClose(4429);
    expect(handlers.onFailed).toHaveBeenCalledTimes(1);
    expect(handlers.onFailed).toHaveBeenCalledWith(message);
  });

  it("turns a close without an error message into a sentence", async () => {
    const { handlers } = await started();
    FakeStreamSocket.last().serverClose(1006);
    expect(handlers.onFailed).toHaveBeenCalledWith("The connection to the server was lost, so the stream ended early.");
  });

  it("retries once with a refreshed token when refused with 4401 before the start", async () => {
    const { stream, client, handlers } = setup();
    await stream.open(START);
    FakeStreamSocket.last().open();
    FakeStreamSocket.last().serverClose(4401);
    await vi.waitFor(() => expect(FakeStreamSocket.instances).toHaveLength(2));
    expect(client.refresh).toHaveBeenCalledTimes(1);
    expect(FakeStreamSocket.last().protocols).toEqual(["bearer", "token-2"]);
    FakeStreamSocket.last().open();
    FakeStreamSocket.last().serverClose(4401);
    expect(FakeStreamSocket.instances).toHaveLength(2);
    expect(handlers.onFailed).toHaveBeenCalledWith("Your session has ended. Please log in again.");
  });

  it("fails without a socket when the user is logged out", async () => {
    const { stream, handlers } = setup({ access: null });
    await stream.open(START);
    expect(FakeStreamSocket.instances).toHaveLength(0);
    expect(handlers.onFailed).toHaveBeenCalledWith("Your session has ended. Please log in again.");
  });

  it("closes quietly when stopped before the server started the stream", async () => {
    const { stream, handlers } = setup();
    await stream.open(START);
    const socket = FakeStreamSocket.last();
    socket.open();
    expect(stream.stop()).toBe(false);
    expect(socket.closedWith).toBe(1000);
    socket.serverClose(1000);
    expect(handlers.onFailed).not.toHaveBeenCalled();
  });

  it("reports nothing after being abandoned", async () => {
    const { stream, handlers } = await started();
    const socket = FakeStreamSocket.last();
    stream.abandon();
    socket.receive(windowMessage(0, 1, 0.2, { provisional: true }));
    socket.serverClose(1006);
    expect(socket.closedWith).toBe(1000);
    expect(handlers.onWindow).not.toHaveBeenCalled();
    expect(handlers.onFailed).not.toHaveBeenCalled();
  });
});

describe("parseStreamMessage", () => {
  it("accepts the documented messages", () => {
    for (const message of [STARTED, windowMessage(3, 7, 0.07), FINAL, { type: "error", code: "bad_start", message: "No." }]) {
      expect(parseStreamMessage(JSON.stringify(message))).toEqual(message);
    }
  });

  it.each([
    ["binary data", new ArrayBuffer(4)],
    ["not JSON", "{"],
    ["an unknown type", JSON.stringify({ type: "hello" })],
    ["a type named after an object method", JSON.stringify({ type: "toString" })],
    ["a window without a score", JSON.stringify({ type: "window", start: 0, end: 4, speech: true, provisional: false })],
    ["a started without a request id", JSON.stringify({ type: "started", window: 4, hop: 1 })],
  ])("rejects %s", (_, data) => {
    expect(parseStreamMessage(data)).toBeNull();
  });
});

describe("closeReason", () => {
  it("names the closes that come without an error message", () => {
    expect(closeReason(4401)).toMatch(/log in again/);
    expect(closeReason(1013)).toMatch(/Try again/);
    expect(closeReason(1011)).toMatch(/unexpected error/);
    expect(closeReason(1006)).toMatch(/connection to the server was lost/);
  });
});

describe("streamSocketUrl", () => {
  it("follows the page's scheme", () => {
    expect(streamSocketUrl({ protocol: "https:", host: "detector.example.com" })).toBe("wss://detector.example.com/ws/v1/stream/");
    expect(streamSocketUrl({ protocol: "http:", host: "127.0.0.1:8000" })).toBe("ws://127.0.0.1:8000/ws/v1/stream/");
  });
});
