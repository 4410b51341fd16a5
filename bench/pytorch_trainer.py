"""PyTorch reference timing for bench/trainer.ts: the same trainer as src/tasks/train.ts.

Linear(d, h) -> ReLU -> Linear(h, k), torch.optim.Adam(lr, weight_decay), float32, one thread.
Every epoch draws a fresh permutation and visits the training rows in minibatches by tensor
slicing (no DataLoader), the last partial batch kept; every step's loss is checked for being
finite (as our trainer does); validation and test loss over all rows after the last epoch.

Reads the split written by bench/trainer.ts (raw little-endian float32 files plus meta.json)
and prints one JSON object with the per-evaluation wall and CPU times on stdout. With --model cnn it
times training epochs of the fashion task's CNN instead (see cnn_epochs).
Run with Debian's python3-torch: /usr/bin/python3 bench/pytorch_trainer.py --data DIR --task wine --batch-size 64
"""
import argparse
import json
import math
import os
import statistics
import time

import numpy as np
import torch


def load_split(folder):
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    parts = {}
    for name in ("train", "validation", "test"):
        n = meta["rows"][name]
        x = np.fromfile(os.path.join(folder, f"{name}_x.f32"), dtype="<f4").reshape(n, meta["inputs"])
        y = np.fromfile(os.path.join(folder, f"{name}_y.f32"), dtype="<f4")
        if meta["kind"] == "classification":
            target = torch.from_numpy(y.astype(np.int64))
        else:
            target = torch.from_numpy(y.copy()).reshape(n, 1)
        parts[name] = (torch.from_numpy(x.copy()), target)
    return meta, parts


def evaluate(meta, parts, batch_size, hidden, lr, weight_decay, epochs, seed):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(meta["inputs"], hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, meta["outputs"])
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = torch.nn.CrossEntropyLoss() if meta["kind"] == "classification" else torch.nn.MSELoss()
    x_train, y_train = parts["train"]
    n = x_train.shape[0]
    diverged = False
    for _ in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[rows]), y_train[rows])
            if not math.isfinite(loss.item()):
                diverged = True
                break
            loss.backward()
            optimizer.step()
        if diverged:
            break
    with torch.no_grad():
        losses = [loss_fn(model(parts[name][0]), parts[name][1]).item() for name in ("validation", "test")]
    return diverged, losses


def cnn_model(c1, c2, hidden):
    """The fashion task's CNN (src/nn/conv-net.ts): padding 1, so 28 -> 14 -> 7."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, c1, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(c1, c2, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(c2 * 49, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10),
    )


def cnn_epochs(args):
    """Seconds per training epoch of the CNN (float32, one thread) on the images in --data: wall and CPU of each."""
    x = np.fromfile(os.path.join(args.data, "images.f32"), dtype="<f4").reshape(-1, 1, 28, 28)
    y = np.fromfile(os.path.join(args.data, "labels.f32"), dtype="<f4").astype(np.int64)
    x, y = torch.from_numpy(x.copy()), torch.from_numpy(y)
    torch.manual_seed(0)
    model = cnn_model(args.c1, args.c2, args.hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = x.shape[0]
    wall, cpu = [], []
    for run in range(args.warmup + args.repeats):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        order = torch.randperm(n)
        for start in range(0, n, args.batch_size):
            rows = order[start:start + args.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(x[rows]), y[rows])
            if not math.isfinite(loss.item()):
                raise SystemExit(f"the loss became {loss.item()} at lr {args.lr}")
            loss.backward()
            optimizer.step()
        if run >= args.warmup:
            wall.append(time.perf_counter() - wall_start)
            cpu.append(time.process_time() - cpu_start)
    return {"torch": torch.__version__, "threads": torch.get_num_threads(), "images": n, "medianSeconds": statistics.median(wall),
            "medianCpuSeconds": statistics.median(cpu), "wallSeconds": wall, "cpuSeconds": cpu}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp",
                        help="cnn: seconds per epoch of the fashion CNN on DIR/images.f32 and DIR/labels.f32")
    parser.add_argument("--c1", type=int, default=16)
    parser.add_argument("--c2", type=int, default=32)
    parser.add_argument("--data", required=True, help="folder with meta.json and the *_x.f32 / *_y.f32 files")
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--hidden", type=int, default=20)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.model == "cnn":
        print(json.dumps(cnn_epochs(args)))
        return
    meta, parts = load_split(args.data)
    wall, cpu, result = [], [], None
    for run in range(args.warmup + args.repeats):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        result = evaluate(meta, parts, args.batch_size, args.hidden, args.lr, args.weight_decay, args.epochs, seed=run)
        if run >= args.warmup:
            wall.append(time.perf_counter() - wall_start)
            cpu.append(time.process_time() - cpu_start)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "medianSeconds": statistics.median(wall),
        "medianCpuSeconds": statistics.median(cpu),
        "wallSeconds": wall,
        "cpuSeconds": cpu,
        "diverged": result[0],
        "validationLoss": result[1][0],
        "testLoss": result[1][1],
    }))


if __name__ == "__main__":
    main()
