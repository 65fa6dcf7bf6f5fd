#!/usr/bin/python3
"""torch_bench.py: the PyTorch side of bench/compare.sh.

The same configurations as `rnnbench bench` (adam, no clipping, copy or
adding, one recurrent layer and a linear readout), trained in PyTorch
(Debian's python3-torch) on 1 thread, two ways:
  fused  nn.RNN / nn.LSTM / nn.GRU: the fast path, which yields no
         per-timestep gradient norms;
  hooks  a loop over nn.RNNCell / LSTMCell / GRUCell with retain_grad() on
         every h_t, and ||dL/dh_t|| taken from h_t.grad after backward: the
         way PyTorch gives the per-timestep norms rnnbench records.
One batch is drawn once and reused (data generation is not timed on either
side that matters). Prints CSV: cell,task,seq_len,batch,hidden,fused,hooks
(steps per second).

usage: torch_bench.py --cells lstm,gru --tasks copy --sizes 20x64,128x128
                      --seq-lens 100 --seconds 1
"""
import argparse
import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)


def batch(task, T, B):
    if task == "copy":
        L = T + 20
        data = torch.randint(1, 9, (10, B))
        x_idx = torch.zeros(L, B, dtype=torch.long)
        x_idx[:10] = data
        x_idx[T + 9] = 9
        x = nn.functional.one_hot(x_idx, 10).float()
        y = torch.zeros(L, B, dtype=torch.long)
        y[T + 10:] = data
        return x, y
    L = T
    x = torch.zeros(L, B, 2)
    x[:, :, 0] = torch.rand(L, B)
    a = torch.randint(0, T // 2, (B,))
    b = torch.randint(T // 2, T, (B,))
    x[a, torch.arange(B), 1] = 1
    x[b, torch.arange(B), 1] = 1
    y = x[a, torch.arange(B), 0] + x[b, torch.arange(B), 0]
    return x, y


def loss_of(task, out, y):
    if task == "copy":
        return nn.functional.cross_entropy(out.reshape(-1, 9), y.reshape(-1))
    return nn.functional.mse_loss(out[-1, :, 0], y)


def fused_step(cell, task, H):
    I, O = (10, 9) if task == "copy" else (2, 1)
    rnn = {"rnn_tanh": lambda: nn.RNN(I, H), "lstm": lambda: nn.LSTM(I, H),
           "gru": lambda: nn.GRU(I, H)}[cell]()
    head = nn.Linear(H, O)
    opt = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)

    def step(x, y):
        opt.zero_grad()
        h, _ = rnn(x)
        loss = loss_of(task, head(h), y)
        loss.backward()
        opt.step()
    return step


def hooks_step(cell, task, H):
    I, O = (10, 9) if task == "copy" else (2, 1)
    c = {"rnn_tanh": lambda: nn.RNNCell(I, H), "lstm": lambda: nn.LSTMCell(I, H),
         "gru": lambda: nn.GRUCell(I, H)}[cell]()
    head = nn.Linear(H, O)
    opt = torch.optim.Adam(list(c.parameters()) + list(head.parameters()), lr=1e-3)

    def step(x, y):
        opt.zero_grad()
        B = x.shape[1]
        h = torch.zeros(B, H)
        state = (h, torch.zeros(B, H)) if cell == "lstm" else h
        hs = []
        for t in range(x.shape[0]):
            state = c(x[t], state)
            h = state[0] if cell == "lstm" else state
            h.retain_grad()
            hs.append(h)
        out = head(torch.stack(hs))
        loss = loss_of(task, out, y)
        loss.backward()
        norms = torch.stack([h.grad.norm() for h in hs])   # ||dL/dh_t||, t = 1..T
        opt.step()
        return norms
    return step


def rate(step, x, y, seconds):
    step(x, y)
    step(x, y)
    n, t0 = 0, time.perf_counter()
    while n < 3 or time.perf_counter() - t0 < seconds:
        step(x, y)
        n += 1
    return n / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", default="rnn_tanh,lstm,gru")
    ap.add_argument("--tasks", default="copy")
    ap.add_argument("--sizes", default="20x40,20x50,20x64,10x128,128x128,128x256,128x512")
    ap.add_argument("--seq-lens", default="100")
    ap.add_argument("--seconds", type=float, default=1.0)
    a = ap.parse_args()
    print("cell,task,seq_len,batch,hidden,fused,hooks")
    for cell in a.cells.split(","):
        for task in a.tasks.split(","):
            for T in map(int, a.seq_lens.split(",")):
                for size in a.sizes.split(","):
                    B, H = map(int, size.split("x"))
                    torch.manual_seed(1)
                    x, y = batch(task, T, B)
                    f = rate(fused_step(cell, task, H), x, y, a.seconds)
                    h = rate(hooks_step(cell, task, H), x, y, a.seconds)
                    print(f"{cell},{task},{T},{B},{H},{f:.6g},{h:.6g}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
