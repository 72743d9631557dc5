import type { KeyboardEvent } from "react";
import type { ReviewCommand } from "./actions";

/** The review command of a key pressed in the pane (see REVIEW_KEYS), if any. */
export function keyCommand(e: Pick<KeyboardEvent, "key" | "shiftKey">): ReviewCommand | null {
  switch (e.key) {
    case "n":
      return "next-hunk";
    case "p":
      return "previous-hunk";
    case "N":
      return "next-file";
    case "P":
      return "previous-file";
    case "r":
      return "mark-hunk";
    case "R":
      return "mark-file";
    case "c":
      return "comment";
  }
  return null;
}
