import { act, renderHook } from "@testing-library/react";
import type { FormEvent } from "react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/errors";
import { useFormSubmission } from "./useFormSubmission";

const submitEvent = () => ({ preventDefault: vi.fn() }) as unknown as FormEvent;

describe("useFormSubmission", () => {
  it("is busy while sending and clears the last failure on a new try", async () => {
    let finish: () => void = () => undefined;
    const send = vi
      .fn<() => Promise<void>>()
      .mockRejectedValueOnce(new ApiError(503, "The service is busy."))
      .mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)));
    const { result } = renderHook(() => useFormSubmission(send));

    await act(() => result.current.onSubmit(submitEvent()));
    expect(result.current.error).toBe("The service is busy.");

    let pending: Promise<void> = Promise.resolve();
    act(() => {
      pending = result.current.onSubmit(submitEvent());
    });
    expect(result.current.busy).toBe(true);
    expect(result.current.error).toBeNull();
    await act(async () => {
      finish();
      await pending;
    });
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it("puts a 400's field errors beside their fields, not in the banner", async () => {
    const fieldErrors = { url: ["Enter an https address."] };
    const send = vi.fn<() => Promise<void>>().mockRejectedValue(new ApiError(400, "Invalid input.", fieldErrors));
    const { result } = renderHook(() => useFormSubmission(send));

    const event = submitEvent();
    await act(() => result.current.onSubmit(event));

    expect(event.preventDefault).toHaveBeenCalled();
    expect(result.current.fieldErrors).toEqual(fieldErrors);
    expect(result.current.error).toBeNull();
  });
});
