import { describe, expect, it } from "vitest";
import { downmix, FrameAssembler, frameSamples, toPcm16 } from "./pcm";

describe("toPcm16", () => {
  it("scales to the full signed 16-bit range and clips outside [-1, 1]", () => {
    expect(Array.from(toPcm16(Float32Array.of(0, 1, -1, 0.5, -0.5, 2, -3)))).toEqual([0, 32767, -32768, 16384, -16384, 32767, -32768]);
  });

  it("is little-endian on the wire", () => {
    const bytes = new Uint8Array(toPcm16(Float32Array.of(1)).buffer);
    expect(Array.from(bytes)).toEqual([0xff, 0x7f]);
  });
});

describe("downmix", () => {
  it("averages the channels", () => {
    expect(Array.from(downmix([Float32Array.of(1, 0.5), Float32Array.of(0, -0.5)]))).toEqual([0.5, 0]);
  });

  it("passes mono through and nothing as nothing", () => {
    const mono = Float32Array.of(0.25);
    expect(downmix([mono])).toBe(mono);
    expect(downmix([])).toHaveLength(0);
  });
});

describe("FrameAssembler", () => {
  it("turns 128-sample blocks into frames of a tenth of a second", () => {
    const size = frameSamples(48_000);
    expect(size).toBe(4800);
    const assembler = new FrameAssembler(size);
    const frames: Int16Array[] = [];
    for (let block = 0; block < 76; block += 1) {
      frames.push(...assembler.push(new Int16Array(128).fill(block)));
    }
    // 76 * 128 = 9728 samples: two whole frames, 128 samples waiting.
    expect(frames.map((frame) => frame.length)).toEqual([4800, 4800]);
    expect(frames[1]?.[0]).toBe(Math.floor(4800 / 128));
    expect(frames[0]).not.toBe(frames[1]);
  });
});
