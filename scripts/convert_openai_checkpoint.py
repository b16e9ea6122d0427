"""Converts an OpenAI CLIP checkpoint (.pt: the TorchScript archive clip.load downloads, e.g. ViT-B-16.pt, or an
open_clip state dict) into one .safetensors file with OpenAI key names, which `prograd` loads directly
(Checkpoint.read infers the config from the shapes as OpenAI's build_model does).

Usage:
    python3 scripts/convert_openai_checkpoint.py ViT-B-16.pt ViT-B-16.safetensors
        [--dtype float32|float16|keep] [--hidden-act quick_gelu|gelu] [--text-heads N] [--vision-heads N]

Needs torch and safetensors (pip install torch safetensors). Only ViT image towers are supported by the loader.
OpenAI's own models use quick_gelu and heads = width / 64; most open_clip-trained models use gelu: pass
--hidden-act gelu for them. The hints are stored in the file's __metadata__ (text_heads, vision_heads, hidden_act).
"""
import argparse
import sys

import torch
from safetensors.torch import save_file

# Entries of OpenAI's TorchScript state dict that are not weights (build_model deletes them too) and buffers.
NOT_WEIGHTS = {"input_resolution", "context_length", "vocab_size", "attn_mask"}


def load_state_dict(path):
    try:
        model = torch.jit.load(path, map_location="cpu")
        state = model.state_dict()
    except RuntimeError:
        state = torch.load(path, map_location="cpu", weights_only=True)
        if isinstance(state, dict) and "state_dict" in state:
            state = state["state_dict"]
    if not isinstance(state, dict):
        sys.exit(f"{path}: not a CLIP state dict")
    return {(k[len("module."):] if k.startswith("module.") else k): v for k, v in state.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source")
    parser.add_argument("destination")
    parser.add_argument("--dtype", choices=["float32", "float16", "keep"], default="float32")
    parser.add_argument("--hidden-act", choices=["quick_gelu", "gelu"], default="quick_gelu")
    parser.add_argument("--text-heads", type=int)
    parser.add_argument("--vision-heads", type=int)
    args = parser.parse_args()

    state = load_state_dict(args.source)
    if "visual.proj" not in state:
        sys.exit(f"{args.source}: no visual.proj; ResNet image towers are not supported")
    tensors = {}
    for name, value in state.items():
        if name in NOT_WEIGHTS or not torch.is_tensor(value) or not value.is_floating_point():
            continue
        if args.dtype == "float32":
            value = value.float()
        elif args.dtype == "float16":
            value = value.half()
        tensors[name] = value.contiguous()
    metadata = {"format": "openai-clip", "hidden_act": args.hidden_act, "source": args.source.split("/")[-1]}
    if args.text_heads:
        metadata["text_heads"] = str(args.text_heads)
    if args.vision_heads:
        metadata["vision_heads"] = str(args.vision_heads)
    save_file(tensors, args.destination, metadata=metadata)
    layers = len({k.split(".")[2] for k in tensors if k.startswith("transformer.resblocks.")})
    print(f"{args.destination}: {len(tensors)} tensors, text width {tensors['ln_final.weight'].shape[0]}, "
          f"{layers} text layers, vision width {tensors['visual.conv1.weight'].shape[0]}, "
          f"patch {tensors['visual.conv1.weight'].shape[-1]}")


if __name__ == "__main__":
    main()
