"""Reference timing of one ProGrad / CoOp training step on the text side, as BeierZhu/Prompt-align runs it.

Setting (the same as `prograd bench`): ViT-B/16 text tower (width 512, 8 heads, 12 layers, projection 512; OpenAI CLIP's
blocks, as CoOp runs them), random weights, fp32, CPU; unified context M = 16 at the end; class names of 3 tokens; 32 cached image features (the image
tower is excluded on both sides); full 77-token prompts; ProGrad's two backward passes (L_kl with retain_graph, then
L_ce), projection, SGD (lr 0.002, momentum 0.9, weight decay 5e-4). Prints one JSON object of median milliseconds.

Run where torch is installed (no other dependency):
    python scripts/bench/prograd_step_reference.py [--repeats 3] [--threads 2]
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    """OpenAI CLIP's ResidualAttentionBlock (what CoOp/ProGrad's TextEncoder runs), sequence-first."""

    def __init__(self, width, heads, mask):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1, self.ln_2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), QuickGELU(), nn.Linear(4 * width, width))
        self.mask = mask

    def forward(self, x):
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=self.mask)[0]
        return x + self.mlp(self.ln_2(x))


class TextTower(nn.Module):
    def __init__(self, width=512, heads=8, layers=12, length=77, vocab=49408, proj=512):
        super().__init__()
        mask = torch.full((length, length), float("-inf")).triu(1)
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(torch.randn(length, width) * 0.01)
        self.blocks = nn.Sequential(*[Block(width, heads, mask) for _ in range(layers)])
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.randn(width, proj) * width ** -0.5)


def build(n_cls, n_ctx=16, name_len=3, length=77):
    model = TextTower().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    sos, eot = 49406, 49407
    ids = torch.zeros(n_cls, length, dtype=torch.long)
    for i in range(n_cls):
        name = [1000 + 3 * i + j for j in range(name_len)]
        row = [sos] + [343] * n_ctx + name + [269, eot]          # SOS, "X"×M, name, ".", EOT
        ids[i, :len(row)] = torch.tensor(row)
    emb = model.token_embedding(ids)
    prefix, suffix = emb[:, :1], emb[:, 1 + n_ctx:]
    ctx = torch.nn.Parameter(torch.randn(n_ctx, 512) * 0.02)
    return model, ids, prefix, suffix, ctx


def text_features(model, ids, prefix, suffix, ctx):
    # CoOp's TextEncoder: prompts + positions → causal transformer (all 77 positions) → ln_final → EOT row → projection
    x = torch.cat([prefix, ctx.unsqueeze(0).expand(prefix.shape[0], -1, -1), suffix], dim=1)
    x = x + model.positional_embedding
    x = model.blocks(x.permute(1, 0, 2)).permute(1, 0, 2)
    x = model.ln_final(x)
    return x[torch.arange(x.shape[0]), ids.argmax(dim=-1)] @ model.text_projection


def step(method, model, ids, prefix, suffix, ctx, opt, images, labels, teacher):
    feats = text_features(model, ids, prefix, suffix, ctx)
    logits = 100.0 * images @ F.normalize(feats, dim=-1).t()
    xe = F.cross_entropy(logits, labels)
    opt.zero_grad()
    if method == "coop":
        xe.backward()
    else:
        kl = (-F.softmax(teacher, -1) * F.log_softmax(logits, -1)).sum(1).mean()
        kl.backward(retain_graph=True)
        g_g = ctx.grad.clone()
        opt.zero_grad()
        xe.backward()
        g_d = ctx.grad
        g_hat = g_g / torch.linalg.norm(g_g)
        if torch.dot(g_d.flatten(), g_hat.flatten()) < 0:
            ctx.grad = g_d - torch.dot(g_d.flatten(), g_hat.flatten()) * g_hat
    opt.step()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    out = {"coop_step_ms": {}, "prograd_step_ms": {}, "torch": torch.__version__, "threads": args.threads}
    for n_cls in (10, 100):
        model, ids, prefix, suffix, ctx = build(n_cls)
        images = F.normalize(torch.randn(32, 512), dim=-1)
        labels = torch.arange(32) % n_cls
        teacher = torch.randn(32, n_cls) * 5
        for method in ("coop", "prograd"):
            opt = torch.optim.SGD([ctx], lr=0.002, momentum=0.9, weight_decay=5e-4)
            times = []
            for r in range(args.repeats + 1):
                t = time.perf_counter()
                step(method, model, ids, prefix, suffix, ctx, opt, images, labels, teacher)
                if r > 0:
                    times.append((time.perf_counter() - t) * 1e3)
            times.sort()
            out[f"{method}_step_ms"][str(n_cls)] = times[len(times) // 2]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
