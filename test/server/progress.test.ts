// The run's progress line fits the terminal (80 and 50 columns), and nothing is drawn after it stops
// (Ctrl-C: the "stopping" line and the summary come after it and must not be drawn over).
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { createProgress, progressLayout } from "../../src/cli/progress.ts";
import type { FrozenTrial } from "../../src/trial/types.ts";

function terminal(columns: number): { stream: NodeJS.WriteStream; written: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  // A real terminal's cursorTo(0) returns to the line's start: "\r" here, so each redraw is a line of its own.
  const carriageReturn = () => {
    text += "\r";
    return true;
  };
  Object.assign(stream, {
    isTTY: true,
    columns,
    cursorTo: carriageReturn,
    clearLine: () => true,
    clearScreenDown: () => true,
    moveCursor: () => true,
  });
  return { stream, written: () => text };
}

const trial = { number: 0, state: "COMPLETE", value: 1 } as FrozenTrial;

for (const columns of [80, 50]) {
  test(`the progress line fits a ${columns}-column terminal`, () => {
    const { stream, written } = terminal(columns);
    const progress = createProgress(12345, 0, stream);
    progress.update(12000, -1.2345678e-7, trial);
    progress.stop();
    // The terminal's escape sequences (ESC [ ... letter, ESC 7, ESC 8) end a drawn line.
    const escapes = new RegExp(`${String.fromCharCode(27)}(\\[[0-9;?]*[A-Za-z]|[78])`, "g");
    const lines = written()
      .replace(escapes, "\n")
      .split(/[\r\n]/)
      .filter((line) => line !== "");
    assert.ok(lines.length > 0);
    for (const line of lines) assert.ok(line.length < columns, `${line.length} columns: ${JSON.stringify(line)}`);
    assert.ok(
      lines.some((line) => line.includes("12000/12345") && line.includes("-1.235e-7")),
      lines.join("\n"),
    );
    const { barsize } = progressLayout(columns);
    assert.ok(barsize >= 5, `bar of ${barsize}`);
  });
}

test("after stop, the progress draws nothing", () => {
  for (const isTTY of [true, false]) {
    const { stream, written } = terminal(80);
    stream.isTTY = isTTY;
    const progress = createProgress(10, 0, stream);
    progress.update(10, 1, trial);
    progress.stop();
    const before = written();
    progress.update(10, 0.5, trial);
    progress.stop();
    assert.equal(written(), before, `isTTY ${isTTY}`);
  }
});
