import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { EventSchema } from "../gen/floe/v1/events_pb.js";
import { RecentEvents } from "../src/events/recent-events.js";

const event = (seq: number) => create(EventSchema, { conversationId: "c", seq: BigInt(seq) });

describe("the recent-events ring", () => {
  it("serves a resume from memory while it holds every seq after the cursor", () => {
    const ring = new RecentEvents(100);
    for (let s = 1; s <= 6; s++) ring.remember("c", event(s));
    expect(ring.after("c", 3, 6)?.map((e) => Number(e.seq))).toEqual([4, 5, 6]);
  });

  it("sends a resume to the database when the events it holds have a hole (another instance's, not followed)", () => {
    const ring = new RecentEvents(100);
    for (const s of [1, 2, 3, 4, 5, 6, 10]) ring.remember("c", event(s));
    // Serving [10] would lose 7 to 9: undefined makes the caller read the table.
    expect(ring.after("c", 6, 10)).toBeUndefined();
    for (const s of [11, 12]) ring.remember("c", event(s));
    expect(ring.after("c", 10, 12)?.map((e) => Number(e.seq))).toEqual([11, 12]);
  });
});
