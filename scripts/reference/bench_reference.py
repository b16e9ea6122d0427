"""Reference timings in PyTorch for comparison with `prograd bench --json` (not run in CI).

Rerun (environment: scripts/fixtures/requirements.txt — torch 2.13.0+cpu, transformers 4.57.6):
    python scripts/reference/bench_reference.py [--threads 2] [--out scripts/reference/last_run.json]

Prints one JSON object with the keys of `prograd bench --json`:
    image_tower_images_per_s        images/s of the ViT-B/16 image tower, fp32, batch 32, no_grad (median of repeats)
    coop_step_ms {"10", "100"}      one CoOp step on the text side (median ms)
    prograd_step_ms {"10", "100"}   one ProGrad step on the text side (median ms)
plus the settings and every sample. Model: transformers CLIPModel at the ViT-B/16 configuration (text width 512,
8 heads, 12 layers, 77 positions, MLP 2048; vision width 768, 12 heads, 12 layers, patch 16, image 224; projection 512;
quick_gelu) with random weights, fp32, default (sdpa) attention.

The text-side steps follow the reference code (KaiyangZhou/CoOp trainers/coop.py, BeierZhu/Prompt-align
trainers/prograd.py and Dassl.ProGrad.pytorch prograd_backward_and_update): unified context M = 16 (nn.Parameter), class
names of 3 tokens, prompts [SOS, ctx×16, name×3, ".", EOT, padding] over all 77 positions, TextEncoder (prompts +
positions, causal transformer, ln_final, EOT row, text projection), 32 cached image features (image tower not run),
logits = exp(logit_scale)·normalized image·normalized textᵀ, SGD(lr 0.002, momentum 0.9, weight decay 5e-4).
CoOp: zero_grad, CE backward, step. ProGrad: zero_grad, L_kl backward (retain_graph), clone, zero_grad, L_ce backward,
cosine test and projection, step — two backward passes, as the reference does. Teacher logits are fixed (precomputed).
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import time

import torch
import torch.nn.functional as F
import transformers
from transformers import CLIPConfig, CLIPModel

SOS, EOT, PERIOD, CONTEXT, M, FEATURES = 49406, 49407, 269, 77, 16, 32


def vit_b16():
    text = dict(vocab_size=49408, hidden_size=512, intermediate_size=2048, num_attention_heads=8, num_hidden_layers=12,
                max_position_embeddings=CONTEXT, hidden_act="quick_gelu", bos_token_id=SOS, eos_token_id=EOT)
    vision = dict(hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12,
                  image_size=224, patch_size=16, hidden_act="quick_gelu")
    torch.manual_seed(0)
    model = CLIPModel(CLIPConfig(text_config=text, vision_config=vision, projection_dim=512)).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


class TextSide:
    """CoOp's PromptLearner (unified context, class token at the end) + TextEncoder on transformers modules."""

    def __init__(self, model, n_cls, generator):
        self.model = model
        ids = torch.zeros(n_cls, CONTEXT, dtype=torch.long)
        ids[:, 0] = SOS
        ids[:, 1:1 + M] = 343  # "x" placeholders, replaced by ctx
        ids[:, 1 + M:1 + M + 3] = torch.randint(1000, 40000, (n_cls, 3), generator=generator)
        ids[:, 1 + M + 3] = PERIOD
        ids[:, 1 + M + 4] = EOT
        self.eot = ids.argmax(-1)
        emb = model.text_model.embeddings.token_embedding(ids)
        self.prefix, self.suffix = emb[:, :1], emb[:, 1 + M:]
        self.ctx = torch.nn.Parameter(0.02 * torch.randn(M, 512, generator=generator))
        self.n_cls = n_cls
        mask = torch.full((CONTEXT, CONTEXT), torch.finfo(torch.float32).min).triu(1)
        self.mask = mask[None, None].expand(n_cls, 1, CONTEXT, CONTEXT)

    def text_features(self):
        tm = self.model.text_model
        prompts = torch.cat([self.prefix, self.ctx.unsqueeze(0).expand(self.n_cls, -1, -1), self.suffix], dim=1)
        x = prompts + tm.embeddings.position_embedding.weight
        x = tm.encoder(inputs_embeds=x, causal_attention_mask=self.mask).last_hidden_state
        x = tm.final_layer_norm(x)
        return self.model.text_projection(x[torch.arange(self.n_cls), self.eot])


def coop_step(side, optim, image, labels):
    optim.zero_grad()
    text = F.normalize(side.text_features(), dim=-1)
    logits = side.model.logit_scale.exp() * image @ text.T
    F.cross_entropy(logits, labels).backward()
    optim.step()


def prograd_step(side, optim, image, labels, teacher, lam=1.0, T=1.0):
    optim.zero_grad()
    text = F.normalize(side.text_features(), dim=-1)
    logits = side.model.logit_scale.exp() * image @ text.T
    xe = F.cross_entropy(logits, labels)
    kl = (-F.softmax(teacher / T, dim=-1) * F.log_softmax(logits / T, dim=-1) * T * T).sum(1).mean()
    kl.backward(retain_graph=True)
    b_grad = side.ctx.grad.clone()
    optim.zero_grad()
    xe.backward()
    a_grad = side.ctx.grad.clone()
    b_hat = b_grad / torch.linalg.norm(b_grad)
    if torch.dot((a_grad / torch.linalg.norm(a_grad)).flatten(), b_hat.flatten()) < 0:
        side.ctx.grad = a_grad - lam * torch.dot(a_grad.flatten(), b_hat.flatten()) * b_hat
    optim.step()


def timed(fn, repeats, warmup=1):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--image-repeats", type=int, default=3)
    parser.add_argument("--step-repeats", type=int, default=5)
    parser.add_argument("--out", default=None, help="also write the JSON object to this file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    load_at_start = os.getloadavg()
    model = vit_b16()
    g = torch.Generator().manual_seed(1)

    pixels = torch.randn(32, 3, 224, 224, generator=g)

    def image_batch():
        with torch.no_grad():
            model.get_image_features(pixel_values=pixels)

    image_samples = timed(image_batch, args.image_repeats)
    result = {"image_tower_images_per_s": 32 / statistics.median(image_samples),
              "coop_step_ms": {}, "prograd_step_ms": {}, "samples_s": {"image_batch32": image_samples}}

    for n_cls in (10, 100):
        image = F.normalize(torch.randn(FEATURES, 512, generator=g), dim=-1)
        labels = torch.randint(0, n_cls, (FEATURES,), generator=g)
        teacher = model.logit_scale.exp() * image @ F.normalize(torch.randn(n_cls, 512, generator=g), dim=-1).T
        repeats = args.step_repeats if n_cls == 10 else max(3, args.step_repeats // 2)
        for method in ("coop", "prograd"):
            side = TextSide(model, n_cls, g)
            optim = torch.optim.SGD([side.ctx], lr=0.002, momentum=0.9, weight_decay=5e-4)
            if method == "coop":
                samples = timed(lambda: coop_step(side, optim, image, labels), repeats)
            else:
                samples = timed(lambda: prograd_step(side, optim, image, labels, teacher), repeats)
            result[f"{method}_step_ms"][str(n_cls)] = 1000 * statistics.median(samples)
            result["samples_s"][f"{method}_{n_cls}"] = samples

    result.update({
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "torch": torch.__version__, "transformers": transformers.__version__, "threads": args.threads,
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
        "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg(),
        "settings": {"model": "ViT-B/16 configuration, random weights, fp32", "image_batch": 32, "n_ctx": M,
                     "class_name_tokens": 3, "context_length": CONTEXT, "image_features": FEATURES,
                     "backward_passes": {"coop": 1, "prograd": 2}, "statistic": "median"},
    })
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
