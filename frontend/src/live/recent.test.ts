import { afterEach, describe, expect, it } from "vitest";
import { recentDetections } from "./recent";

afterEach(() => recentDetections.clear());

describe("recentDetections", () => {
  it("forgets the detections it is told to remove and keeps the others in order", () => {
    for (const id of ["a", "b", "c"]) recentDetections.add(id);
    recentDetections.remove(["b", "unknown"]);
    expect(recentDetections.getSnapshot()).toEqual(["c", "a"]);
  });
});
