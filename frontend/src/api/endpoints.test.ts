import { describe, expect, it } from "vitest";
import { historyPath } from "./endpoints";

describe("historyPath", () => {
  it("turns a label filter into label=", () => {
    expect(historyPath({ review: "synthetic" })).toBe("audio/history?label=synthetic");
    expect(historyPath({ review: "none" })).toBe("audio/history?label=none");
  });

  it("turns the disagreement filter into disagrees=true", () => {
    expect(historyPath({ review: "disagrees", verdict: "fake" })).toBe("audio/history?verdict=fake&disagrees=true");
  });
});
