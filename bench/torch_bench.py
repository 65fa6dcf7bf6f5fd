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
For the cells PyTorch lacks (indrnn, mingru, minlstm, cornn, exprnn, lru)
there is no fused path: both columns are a loop over a module written
here from the cell's equations (as tests/reference/gen_fixtures.py's),
"fused" without retain_grad and "hooks" with it; exprnn forms B =
matrix_exp(skew A) once per step, as its authors' code does; lru runs
its encoder, the complex recurrence step by step (torch's complex64)
and its output gelu(Re(C x) + D u).
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


class OwnCell(nn.Module):
    """One step of a cell PyTorch lacks, from its equations (rnnbench list)."""

    def __init__(self, cell, I, H):
        super().__init__()
        G = {"indrnn": 1, "mingru": 2, "minlstm": 3, "cornn": 1, "exprnn": 1, "lru": 1}[cell]
        self.cell, self.H = cell, H
        if cell == "lru":           # the encoder, then B as [B_re; B_im]
            self.enc = nn.Linear(I, H)
            I = H
            N = H // 2
            self.nu, self.theta, self.gl = (nn.Parameter(torch.rand(N)) for _ in range(3))
            self.C = nn.Parameter(torch.randn(H, H) / N ** 0.5)
            self.D = nn.Parameter(torch.randn(H))
        self.lin = nn.Linear(I + (2 * H if cell == "cornn" else 0), G * H, bias=cell not in ("exprnn", "lru"))
        if cell == "indrnn":
            self.u = nn.Parameter(torch.rand(H))
        if cell == "exprnn":
            self.A = nn.Parameter(torch.zeros(H, H))
            self.b = nn.Parameter(torch.zeros(H))

    def B(self):
        U = torch.triu(self.A, diagonal=1)
        return torch.linalg.matrix_exp(U - U.t())

    def forward(self, x, state, B=None):
        H = self.H
        if self.cell == "lru":
            u = self.enc(x)
            N = H // 2
            lam = torch.exp(-torch.exp(self.nu) + 1j * torch.exp(self.theta))
            bu = self.lin(u) * torch.exp(self.gl).repeat(2)
            xs = lam * state + torch.complex(bu[:, :N], bu[:, N:])
            C = torch.complex(self.C[:, :N], self.C[:, N:])
            return nn.functional.gelu((xs @ C.t()).real + self.D * u, approximate="tanh"), xs
        if self.cell == "cornn":            # Rusch & Mishra: z first, then y
            y, z = state
            z = z + 0.06 * (torch.tanh(self.lin(torch.cat((x, z, y), 1))) - 66 * y - 15 * z)
            return y + 0.06 * z, z
        a = self.lin(x)
        if self.cell == "indrnn":
            return torch.relu(a + self.u * state)
        if self.cell == "exprnn":
            z = a + state @ B
            return torch.sign(z) * torch.relu(torch.abs(z) + self.b)
        g = torch.where(a[:, :H] >= 0, a[:, :H] + 0.5, torch.sigmoid(a[:, :H]))
        if self.cell == "mingru":
            z = torch.sigmoid(a[:, H:])
            return (1 - z) * state + z * g
        f, i = torch.sigmoid(a[:, H:2 * H]), torch.sigmoid(a[:, 2 * H:])
        return f / (f + i) * state + i / (f + i) * g


OWN = ("indrnn", "mingru", "minlstm", "cornn", "exprnn", "lru")


def own_step(cell, task, H, hooks):
    I, O = (10, 9) if task == "copy" else (2, 1)
    c = OwnCell(cell, I, H)
    head = nn.Linear(H, O)
    opt = torch.optim.Adam(list(c.parameters()) + list(head.parameters()), lr=1e-3)

    def step(x, y):
        opt.zero_grad()
        B = x.shape[1]
        state = (torch.zeros(B, H), torch.zeros(B, H)) if cell == "cornn" else torch.zeros(B, H)
        if cell == "lru":
            state = torch.zeros(B, H // 2, dtype=torch.complex64)
        Bm = c.B() if cell == "exprnn" else None
        hs = []
        for t in range(x.shape[0]):
            if cell == "lru":
                h, state = c(x[t], state)
            else:
                state = c(x[t], state, Bm)
                h = state[0] if cell == "cornn" else state
            if hooks:
                h.retain_grad()
            hs.append(h)
        loss = loss_of(task, head(torch.stack(hs)), y)
        loss.backward()
        if hooks:
            torch.stack([h.grad.norm() for h in hs])
        opt.step()
    return step


def fused_step(cell, task, H):
    if cell in OWN:
        return own_step(cell, task, H, False)
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
    if cell in OWN:
        return own_step(cell, task, H, True)
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
