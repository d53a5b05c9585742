import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../api/client";
import { ACCESS_KEY, memoryStorage, REFRESH_KEY } from "../api/tokens";
import { AuthProvider } from "../auth/AuthContext";
import { CaptureError, microphoneErrorMessage, openFile, openMicrophone, type AudioSource } from "../live/capture";
import { FakeStreamSocket, FINAL, STARTED, windowMessage } from "../test/fakeStreamSocket";
import { jsonResponse, makeJwt } from "../test/jwt";
import { LivePage } from "./LivePage";

vi.mock("../live/capture", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../live/capture")>()),
  openMicrophone: vi.fn(),
  openFile: vi.fn(),
}));

/** An audio source the test feeds by hand. */
function fakeSource(label = "Microphone", sampleRate = 48_000) {
  let deliver: ((frame: Int16Array) => void) | null = null;
  const source: AudioSource = {
    sampleRate,
    label,
    start: vi.fn((onFrame: (frame: Int16Array) => void) => {
      deliver = onFrame;
    }),
    close: vi.fn(),
  };
  const frame = (samples: number) => act(() => deliver?.(new Int16Array(samples).fill(7)));
  return { source, frame };
}

function renderPage() {
  const storage = memoryStorage();
  storage.setItem(ACCESS_KEY, makeJwt({ exp: Date.now() / 1000 + 3600, iat: Date.now() / 1000, user_id: 1 }));
  storage.setItem(REFRESH_KEY, "refresh-1");
  const fetchMock = vi.fn<typeof fetch>(async () => jsonResponse(200, { id: 1, username: "alice", email: "a@example.com" }));
  const client = new ApiClient({ fetch: fetchMock, storage, autoRefresh: false });
  render(
    <AuthProvider client={client}>
      <MemoryRouter initialEntries={["/live"]}>
        <LivePage />
      </MemoryRouter>
    </AuthProvider>,
  );
}

/** The socket the page opened, once it exists. */
async function openedSocket(): Promise<FakeStreamSocket> {
  await vi.waitFor(() => expect(FakeStreamSocket.instances).toHaveLength(1));
  const socket = FakeStreamSocket.last();
  act(() => socket.open());
  return socket;
}

const server = (socket: FakeStreamSocket, message: unknown) => act(() => socket.receive(message));
const status = () => screen.getByTestId("live-status");

beforeEach(() => {
  FakeStreamSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeStreamSocket);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.mocked(openMicrophone).mockReset();
  vi.mocked(openFile).mockReset();
});

describe("<LivePage>", () => {
  it("streams the microphone, draws the windows as they come and shows the verdict after Stop", async () => {
    const { source, frame } = fakeSource();
    vi.mocked(openMicrophone).mockResolvedValue(source);
    renderPage();
    expect(status().dataset.phase).toBe("idle");

    fireEvent.click(screen.getByRole("button", { name: "Start microphone" }));
    const socket = await openedSocket();
    expect(status().dataset.phase).toBe("connecting");
    expect(socket.url).toMatch(/\/ws\/v1\/stream\/$/);
    expect(socket.json).toEqual([{ type: "start", sample_rate: 48_000, encoding: "pcm_s16le", channels: 1, label: "Microphone" }]);
    // Audio flows only once the server has started the stream.
    expect(source.start).not.toHaveBeenCalled();

    server(socket, STARTED);
    expect(status().textContent).toContain("Listening");
    expect(screen.getByRole("button", { name: "Stop" })).toBe(document.activeElement);
    frame(4800);
    frame(4800);
    expect(socket.frames).toHaveLength(2);
    expect(status().textContent).toContain("0:00.2");

    server(socket, windowMessage(0, 1, 0.9, { provisional: true }));
    let bars = screen.getAllByTestId("live-window");
    expect(bars).toHaveLength(1);
    expect(bars[0]?.dataset.provisional).toBe("true");
    expect(bars[0]?.className).toContain("live-bar--provisional");
    server(socket, windowMessage(0, 4, 0.1));
    server(socket, windowMessage(1, 5, 0.6, { speech: false }));
    bars = screen.getAllByTestId("live-window");
    expect(bars.map((bar) => [bar.dataset.score, bar.dataset.provisional, bar.dataset.speech])).toEqual([
      ["0.1", "false", "true"],
      ["0.6", "false", "false"],
    ]);
    expect(bars[1]?.className).toContain("live-bar--no-speech");
    expect(screen.getByTestId("live-timeline").getAttribute("aria-label")).toBe(
      "Score timeline, 2 windows. Latest 0:01.0 to 0:05.0: no speech, not counted.",
    );

    fireEvent.click(screen.getByRole("button", { name: "Stop" }));
    expect(source.close).toHaveBeenCalled();
    expect(socket.json.at(-1)).toEqual({ type: "stop" });
    expect(screen.getByRole("button", { name: "Stopping…" })).toHaveProperty("disabled", true);

    server(socket, FINAL);
    act(() => socket.serverClose(1000));
    const result = screen.getByTestId("live-result");
    expect(within(result).getByTestId("verdict-badge").dataset.verdict).toBe("real");
    expect(within(result).getByRole("link", { name: "Open the stored detection" }).getAttribute("href")).toBe(
      `/detections/${STARTED.request_id}`,
    );
    expect(screen.getByRole("status").textContent).toBe("Stream ended. Verdict: Real.");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByRole("button", { name: "Start microphone" })).toBeTruthy();
  });

  it("explains a refused microphone and opens no stream", async () => {
    vi.mocked(openMicrophone).mockRejectedValue(new CaptureError(microphoneErrorMessage(new DOMException("denied", "NotAllowedError"))));
    renderPage();
    fireEvent.click(screen.getByRole("button", { name: "Start microphone" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/^Microphone access was denied\./);
    expect(FakeStreamSocket.instances).toHaveLength(0);
    expect(screen.getByRole("button", { name: "Start microphone" })).toBeTruthy();
  });

  it("shows the server's refusal as a sentence and points at what was stored", async () => {
    const { source } = fakeSource();
    vi.mocked(openMicrophone).mockResolvedValue(source);
    renderPage();
    fireEvent.click(screen.getByRole("button", { name: "Start microphone" }));
    const socket = await openedSocket();
    server(socket, STARTED);
    server(socket, { type: "error", code: "too_long", message: "The stream reached its limit of 600 seconds of audio." });
    act(() => socket.serverClose(4413));
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("The stream reached its limit of 600 seconds of audio.");
    expect(within(alert).getByRole("link", { name: "open the detection" }).getAttribute("href")).toBe(`/detections/${STARTED.request_id}`);
    expect(source.close).toHaveBeenCalled();
    expect(status().dataset.phase).toBe("failed");
  });

  it("streams a chosen file under its own name", async () => {
    const { source } = fakeSource("call.wav", 16_000);
    vi.mocked(openFile).mockResolvedValue(source);
    renderPage();
    const file = new File([new Uint8Array(8)], "call.wav", { type: "audio/wav" });
    fireEvent.change(screen.getByLabelText("Stream a file"), { target: { files: [file] } });
    expect(openFile).toHaveBeenCalledWith(file);
    const socket = await openedSocket();
    expect(socket.json).toEqual([{ type: "start", sample_rate: 16_000, encoding: "pcm_s16le", channels: 1, label: "call.wav" }]);
    server(socket, STARTED);
    expect(status().textContent).toContain("Streaming the file");
  });
});
