// Shared by the command-pruning tests (inline and on a queue worker).

// Prints a step a tenth of a second apart for 100 steps; records in a file how it ended.
export const program = (readsStdin: boolean, marker: string) => `
import os, sys, time, signal, threading
def ended(how):
    with open(${JSON.stringify(marker)}, "w") as f: f.write(how)
    os._exit(0)
signal.signal(signal.SIGTERM, lambda *_: ended("sigterm"))
if ${readsStdin ? "True" : "False"}:
    def watch():
        for line in sys.stdin:
            if line.strip() == "hyperforce: prune": ended("stdin")
    threading.Thread(target=watch, daemon=True).start()
for step in range(1, 101):
    print("hyperforce: step=%d value=%r" % (step, 1 / step), flush=True)
    time.sleep(0.1)
print("hyperforce: value=0.01", flush=True)
ended("finished")
`;
