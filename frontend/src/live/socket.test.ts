import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DetectionSocket,
  detectionsSocketUrl,
  parseDetectionMessage,
  STABLE_AFTER_MS,
  UNAUTHORIZED_CLOSE_CODE,
} from "./socket";
import { FakeStreamSocket as FakeSocket } from "../test/fakeStreamSocket";

function setup(tokens: (string | null)[] = ["token-1"], refreshed: (string | null)[] = ["token-2"]) {
  const client = {
    accessToken: vi.fn(async () => (tokens.length > 1 ? tokens.shift()! : tokens[0]!) ?? null),
    refresh: vi.fn(async () => (refreshed.length > 1 ? refreshed.shift()! : refreshed[0]!) ?? null),
  };
  const onMessage = vi.fn();
  const onOpen = vi.fn();
  const socket = new DetectionSocket({
    url: "ws://app.test/ws/v1/detections/",
    client,
    onMessage,
    onOpen,
    createSocket: (url, protocols) => new FakeSocket(url, protocols) as unknown as WebSocket,
    random: () => 1,
  });
  return { client, onMessage, onOpen, socket };
}

const last = () => FakeSocket.instances[FakeSocket.instances.length - 1]!;

beforeEach(() => {
  FakeSocket.instances = [];
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("DetectionSocket", () => {
  it("sends the token as a subprotocol, never in the URL", async () => {
    const { socket } = setup();
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(last().url).toBe("ws://app.test/ws/v1/detections/");
    expect(last().protocols).toEqual(["bearer", "token-1"]);
    socket.stop();
  });

  it("re-reads on every open and passes pushed messages on", async () => {
    const { socket, onOpen, onMessage } = setup();
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    expect(onOpen).toHaveBeenCalledTimes(1);
    last().receive({ type: "detection.progress", request_id: "r1", status: "processing", chunk_predictions: {}, progress: { done: 1, total: 3 } });
    last().receive("not json");
    last().receive({ type: "something.else", request_id: "r1" });
    expect(onMessage).toHaveBeenCalledTimes(1);
    expect(onMessage.mock.calls[0]?.[0]).toMatchObject({ request_id: "r1", progress: { done: 1, total: 3 } });
    socket.stop();
  });

  it("reconnects with growing delays after drops, and re-reads again", async () => {
    const { socket, onOpen } = setup();
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().serverClose(1006);
    expect(FakeSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.instances).toHaveLength(2);
    last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1999);
    expect(FakeSocket.instances).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.instances).toHaveLength(3);
    last().open();
    expect(onOpen).toHaveBeenCalledTimes(2);
    socket.stop();
  });

  it("refreshes the token and reconnects at once on 4401", async () => {
    const { socket, client } = setup(["token-1"], ["token-2"]);
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().serverClose(UNAUTHORIZED_CLOSE_CODE);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.refresh).toHaveBeenCalledTimes(1);
    expect(FakeSocket.instances).toHaveLength(2);
    socket.stop();
  });

  it("backs off when fresh tokens are refused again (the server accepts, then closes 4401)", async () => {
    const { socket, client } = setup(["token-1"], ["token-2"]);
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().serverClose(UNAUTHORIZED_CLOSE_CODE);
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.instances).toHaveLength(2);
    last().open();
    last().serverClose(UNAUTHORIZED_CLOSE_CODE);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.refresh).toHaveBeenCalledTimes(2);
    // No third attempt straight away: it waits out the backoff.
    expect(FakeSocket.instances).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.instances).toHaveLength(3);
    socket.stop();
  });

  it("resets the backoff once a connection proves healthy", async () => {
    const { socket } = setup();
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1000);
    last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(2000);
    last().open();
    await vi.advanceTimersByTimeAsync(STABLE_AFTER_MS);
    last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.instances).toHaveLength(4);
    socket.stop();
  });

  it("stops when the refresh after 4401 is refused (the app goes to the login page)", async () => {
    const { socket, client } = setup(["token-1"], [null]);
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().serverClose(UNAUTHORIZED_CLOSE_CODE);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.refresh).toHaveBeenCalledTimes(1);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(socket.state).toBe("closed");
  });

  it("does not reconnect after stop()", async () => {
    const { socket } = setup();
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    socket.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });
});

describe("socket helpers", () => {
  it("builds ws:// or wss:// from the page's location", () => {
    expect(detectionsSocketUrl({ protocol: "http:", host: "localhost:5173" })).toBe("ws://localhost:5173/ws/v1/detections/");
    expect(detectionsSocketUrl({ protocol: "https:", host: "example.org" })).toBe("wss://example.org/ws/v1/detections/");
  });

  it("accepts only detection messages", () => {
    expect(parseDetectionMessage('{"type":"detection.failed","request_id":"x","status":"failed"}')).not.toBeNull();
    expect(parseDetectionMessage('{"type":"detection.failed"}')).toBeNull();
    expect(parseDetectionMessage(new ArrayBuffer(2))).toBeNull();
  });
});
