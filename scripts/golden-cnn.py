"""Golden values for the Fashion-MNIST CNN trainer, made once with PyTorch in float64.

conv3x3(c1, padding 1) -> ReLU -> max-pool 2 -> conv3x3(c2, padding 1) -> ReLU -> max-pool 2 ->
Linear(c2*7*7, hidden) -> ReLU -> Linear(hidden, 10), softmax cross-entropy (mean over the batch),
torch.optim.Adam(lr, weight_decay), on the first 10 training images of Fashion-MNIST (pixels / 255),
from PyTorch's default initial weights (recorded) and recorded minibatch orders (one permutation per
epoch, the last batch partial). Writes test/fixtures/cnn-golden.json; its `about` gives the layout.

Run with Debian's python3-torch and dataset-fashion-mnist:
  /usr/bin/python3 scripts/golden-cnn.py [--data /usr/share/datasets/fashion-mnist] [--out test/fixtures/cnn-golden.json]
"""
import argparse
import copy
import gzip
import json
import os
import struct

import torch

CASES = [
    # Channel and hidden counts that are not multiples of 4 exercise the kernels' padding.
    {"name": "small", "c1": 3, "c2": 5, "hidden": 6, "batch_size": 4, "epochs": 2, "lr": 1e-3, "weight_decay": 1e-4, "seed": 1},
    {"name": "wider-high-lr", "c1": 8, "c2": 8, "hidden": 16, "batch_size": 3, "epochs": 2, "lr": 1e-2, "weight_decay": 1e-3, "seed": 2},
]
N_IMAGES = 10


def read_idx(path, count):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        size = 1
        for d in dims[1:]:
            size *= d
        return list(f.read(count * size))


def model_for(case):
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, case["c1"], 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(case["c1"], case["c2"], 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(case["c2"] * 49, case["hidden"]), torch.nn.ReLU(),
        torch.nn.Linear(case["hidden"], 10),
    ).double()


NAMES = ["conv1Weight", "conv1Bias", "conv2Weight", "conv2Bias", "fc1Weight", "fc1Bias", "fc2Weight", "fc2Bias"]


def flat(tensors):
    return {name: t.detach().reshape(-1).tolist() for name, t in zip(NAMES, tensors)}


def train(model, case, x, y, orders):
    """Adam over the given epoch orders; returns the step losses."""
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=case["lr"], weight_decay=case["weight_decay"])
    losses = []
    for order in orders:
        for start in range(0, N_IMAGES, case["batch_size"]):
            rows = order[start:start + case["batch_size"]]
            optimizer.zero_grad()
            loss = loss_fn(model(x[rows]), y[rows])
            losses.append(loss.item())
            loss.backward()
            optimizer.step()
    return losses


def float32_floor(case, init_model, x, y, orders, final):
    """What PyTorch itself reaches in float32 from the same start: the worst |p32 - p64| / (|p64| + 1e-3)."""
    model = copy.deepcopy(init_model).float()
    train(model, case, x.float(), y, orders)
    worst = 0.0
    for name, p in zip(NAMES, model.parameters()):
        expected = torch.tensor(final[name], dtype=torch.float64)
        worst = max(worst, ((p.detach().double().reshape(-1) - expected).abs() / (expected.abs() + 1e-3)).max().item())
    return worst


def run(case, x, y):
    torch.manual_seed(case["seed"])
    model = model_for(case)
    start_model = copy.deepcopy(model)
    init = flat(model.parameters())
    loss_fn = torch.nn.CrossEntropyLoss()
    first = loss_fn(model(x[: case["batch_size"]]), y[: case["batch_size"]])
    first.backward()
    first_gradients = flat(p.grad for p in model.parameters())
    model.zero_grad()
    orders = [torch.randperm(N_IMAGES) for _ in range(case["epochs"])]
    losses = train(model, case, x, y, orders)
    with torch.no_grad():
        final_loss = loss_fn(model(x), y).item()
    final = flat(model.parameters())
    return {
        **case,
        "init": init,
        "first_batch_loss": first.item(),
        "first_batch_gradients": first_gradients,
        "epoch_orders": [order.tolist() for order in orders],
        "step_losses": losses,
        "final": final,
        "final_full_data_loss": final_loss,
        "float32_parameter_error": float32_floor(case, start_model, x, y, orders, final),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "cnn-golden.json"))
    args = parser.parse_args()
    pixels = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"), N_IMAGES)
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"), N_IMAGES)
    x = torch.tensor(pixels, dtype=torch.float64).reshape(N_IMAGES, 1, 28, 28) / 255.0
    y = torch.tensor(labels, dtype=torch.int64)
    result = {
        "about": (
            "PyTorch " + torch.__version__ + " float64 runs of the Fashion-MNIST CNN (scripts/golden-cnn.py). "
            "pixels: the first 10 training images as bytes (the model sees byte / 255); labels: their classes. "
            "Parameters in PyTorch's layout, flattened: conv weights [out][in][3][3], dense weights [out][in]. "
            "first_batch_*: loss and gradients of images 0..batch_size-1 at the initial weights. "
            "step_losses: each minibatch's mean loss before its Adam step; final_full_data_loss: mean loss of all 10 "
            "images after the last step. float32_parameter_error: the same run by PyTorch in float32, its worst final "
            "parameter error max |p32 - p64| / (|p64| + 1e-3): the floor float32 arithmetic reaches on this case."
        ),
        "pixels": pixels,
        "labels": labels,
        "cases": [run(case, x, y) for case in CASES],
    }
    with open(args.out, "w") as f:
        json.dump(result, f)
        f.write("\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
