#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch reference of MANet, built from ../shared/MANET.md (no mmcv, no mmaction2).

    manet_reference.py forward WEIGHTS --input clip.npy --output logits.npy
                               [--features F.npy] [--embedding E.npy]
    manet_reference.py random OUT.safetensors [--width 64] [--seed 1] [--mixed-dtypes]
                               [--input clip.npy --size 224 --output logits.npy]
    manet_reference.py bench WEIGHTS [--threads 2] [--runs 10]

WEIGHTS is a .safetensors file, an mmcv .pth checkpoint or a plain state_dict. `random` writes
deterministic random weights (every official key, the unused action_p2_* and
num_batches_tracked included) and, with --input, a random clip and its logits: the tests
compare Fidget's engine with this.
"""

import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convert_weights  # noqa: E402

N_SEGMENT = 8
STAGE_BLOCKS = (3, 4, 6, 3)


class ConvModule(nn.Module):
    """conv (no bias) + BN (eps 1e-5), keys .conv.* and .bn.*; ReLU only when asked."""

    def __init__(self, conv, channels, relu):
        super().__init__()
        self.conv = conv
        self.bn = nn.BatchNorm2d(channels, eps=1e-5)
        self.relu = relu

    def forward(self, x):
        x = self.bn(self.conv(x))
        return F.relu(x) if self.relu else x


class SEShiftConv(nn.Module):
    """Squeeze-excitation then temporal shift, then the 1x1 conv (keys .net, .fcce)."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.net = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.fcce = nn.Sequential(nn.Linear(in_channels, in_channels // 4, bias=False),
                                  nn.ReLU(),
                                  nn.Linear(in_channels // 4, in_channels, bias=False))

    def forward(self, x):
        nt, c, h, w = x.shape
        gate = torch.sigmoid(self.fcce(x.mean(dim=(2, 3))))
        x = x * gate[:, :, None, None]
        x = x.view(nt // N_SEGMENT, N_SEGMENT, c, h, w)
        fold = c // 8
        out = torch.zeros_like(x)
        out[:, :-1, :fold] = x[:, 1:, :fold]                    # frame t takes t + 1
        out[:, 1:, fold:2 * fold] = x[:, :-1, fold:2 * fold]    # frame t takes t - 1
        out[:, :, 2 * fold:] = x[:, :, 2 * fold:]
        return self.net(out.view(nt, c, h, w))


class Bottleneck(nn.Module):
    def __init__(self, in_channels, width, stride, downsample):
        super().__init__()
        out_channels = width * 4
        self.conv1 = ConvModule(SEShiftConv(in_channels, width), width, True)
        self.conv2 = ConvModule(nn.Conv2d(width, width, 3, stride, 1, bias=False), width, True)
        self.conv3 = ConvModule(nn.Conv2d(width, out_channels, 1, bias=False), out_channels,
                                False)
        self.downsample = (ConvModule(nn.Conv2d(in_channels, out_channels, 1, stride,
                                                bias=False), out_channels, False)
                           if downsample else None)

    def forward(self, x):
        out = self.conv3(self.conv2(self.conv1(x)))
        identity = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + identity)


class Backbone(nn.Module):
    def __init__(self, base):
        super().__init__()
        self.conv1 = ConvModule(nn.Conv2d(3, base, 7, 2, 3, bias=False), base, True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        channels = base
        for stage, blocks in enumerate(STAGE_BLOCKS):
            width = base * 2 ** stage
            layers = []
            for i in range(blocks):
                stride = 2 if stage > 0 and i == 0 else 1
                layers.append(Bottleneck(channels, width, stride, i == 0))
                channels = width * 4
            setattr(self, f'layer{stage + 1}', nn.Sequential(*layers))
        self.out_channels = channels

    def forward(self, x):
        x = self.maxpool(self.conv1(x))
        for stage in range(4):
            x = getattr(self, f'layer{stage + 1}')(x)
        return x


class Head(nn.Module):
    def __init__(self, channels, n_classes=52, n_embedding=300):
        super().__init__()
        self.fc_cls = nn.Linear(channels, n_classes)
        self.fc_emb = nn.Linear(channels, n_embedding)
        self.fc_emb_t = nn.Linear(n_embedding, n_embedding)

    def forward(self, x):
        features = x.mean(dim=(2, 3))                       # [N*T, C]
        n = features.shape[0] // N_SEGMENT
        logits = self.fc_cls(features).view(n, N_SEGMENT, -1).mean(1)
        embedding = self.fc_emb_t(torch.tanh(self.fc_emb(features)))
        embedding = embedding.view(n, N_SEGMENT, -1).mean(1)
        return logits, features.view(n, N_SEGMENT, -1).mean(1), embedding


class MANet(nn.Module):
    def __init__(self, base=64, n_classes=52, n_embedding=300):
        super().__init__()
        self.backbone = Backbone(base)
        self.cls_head = Head(self.backbone.out_channels, n_classes, n_embedding)

    def forward(self, clip):
        """clip [N*8, 3, H, W] -> logits [N, 52], pooled features [N, C], embedding [N, 300]"""
        return self.cls_head(self.backbone(clip))


def build(state):
    """A MANet in eval mode with the weights of @state ({name: numpy array})."""
    base = state['backbone.conv1.conv.weight'].shape[0]
    n_classes = state['cls_head.fc_cls.weight'].shape[0]
    n_embedding = state['cls_head.fc_emb.weight'].shape[0]
    model = MANet(base, n_classes, n_embedding)
    wanted = model.state_dict()
    tensors = {}
    for name, array in state.items():
        if convert_weights.is_unused(name):
            continue
        if name not in wanted:
            raise SystemExit(f'unexpected tensor {name}')
        tensors[name] = torch.from_numpy(np.array(array, dtype=np.float32))
    missing = [name for name in wanted if name not in tensors and
               not convert_weights.is_unused(name)]
    if missing:
        raise SystemExit(f'missing tensor {missing[0]}')
    model.load_state_dict(tensors, strict=False)
    return model.eval()


def random_state(base, seed, n_embedding=300, small_unused=False):
    """Deterministic random weights that keep activations in a sane range."""
    generator = torch.Generator().manual_seed(seed)
    model = MANet(base, n_embedding=n_embedding)
    state = {}

    def normal(shape, std):
        return torch.randn(shape, generator=generator) * std

    def uniform(shape, low, high):
        return low + torch.rand(shape, generator=generator) * (high - low)

    for name, tensor in model.state_dict().items():
        shape = tuple(tensor.shape)
        if name.endswith('num_batches_tracked'):
            state[name] = torch.tensor(1000, dtype=torch.int64)
        elif name.endswith('bn.weight'):
            # the last BN of a residual branch small, as trained ResNets have
            low, high = (0.1, 0.4) if '.conv3.bn' in name else (0.6, 1.2)
            state[name] = uniform(shape, low, high)
        elif name.endswith('bn.bias') or name.endswith('running_mean'):
            state[name] = normal(shape, 0.1)
        elif name.endswith('running_var'):
            state[name] = uniform(shape, 0.5, 1.5)
        elif name.endswith('.weight') and len(shape) == 4:
            fan_in = shape[1] * shape[2] * shape[3]
            state[name] = normal(shape, (2.0 / fan_in) ** 0.5)
        elif name.endswith('.weight'):
            state[name] = normal(shape, (2.0 / shape[1]) ** 0.5)
        else:
            state[name] = normal(shape, 0.1)
    # The official checkpoint carries these unused weights: the engine must skip them.
    for stage, blocks in enumerate(STAGE_BLOCKS):
        for i in range(blocks):
            prefix = f'backbone.layer{stage + 1}.{i}.conv1.conv.'
            c = state[prefix + 'net.weight'].shape[1] if not small_unused else 16
            state[prefix + 'action_p2_squeeze.weight'] = normal((c // 16, c, 1, 1), 0.1)
            state[prefix + 'action_p2_conv1.weight'] = normal((c // 16, c // 16, 3), 0.1)
            state[prefix + 'action_p2_expand.weight'] = normal((c, c // 16, 1, 1), 0.1)
    return {name: value.numpy() for name, value in state.items()}


def run(model, clip, threads=None):
    if threads:
        torch.set_num_threads(threads)
    with torch.no_grad():
        logits, features, embedding = model(torch.from_numpy(clip))
    return logits[0].numpy(), features[0].numpy(), embedding[0].numpy()


def cmd_forward(args):
    model = build(convert_weights.load_state_dict(args.weights))
    clip = np.load(args.input).astype(np.float32)
    if clip.ndim != 4 or clip.shape[0] != N_SEGMENT or clip.shape[1] != 3:
        raise SystemExit(f'{args.input}: shape {clip.shape}, expected (8, 3, H, W)')
    logits, features, embedding = run(model, clip, args.threads)
    np.save(args.output, logits)
    if args.features:
        np.save(args.features, features)
    if args.embedding:
        np.save(args.embedding, embedding)


def cmd_random(args):
    state = random_state(args.width, args.seed, args.embedding_size, args.small_unused)
    dtypes = {}
    if args.mixed_dtypes:
        # Store convolutions as float16, the classifier as bfloat16, the rest as float32, and
        # compute the reference from exactly those rounded values.
        for name, array in state.items():
            if array.dtype.kind != 'f':
                continue
            if (name.endswith('conv.weight') or name.endswith('net.weight') or
                    '.fcce.' in name or 'action_p2' in name):
                dtypes[name] = 'F16'
                state[name] = array.astype(np.float16).astype(np.float32)
            elif name.startswith('cls_head.') and name.endswith('weight'):
                dtypes[name] = 'BF16'
                state[name] = convert_weights.bf16_bits_to_f32(
                    convert_weights.to_bf16_bits(array)).reshape(array.shape)
    convert_weights.write_safetensors(args.out, state, dtypes)
    if args.pth:
        # The released checkpoint's form: mmcv's dict with meta and state_dict, as torch
        # tensors; from DataParallel the keys carry a "module." prefix.
        torch.save({'meta': {'epoch': 1, 'mmcv_version': '1.3.0'},
                    'state_dict': {'module.' + name: torch.from_numpy(np.array(value))
                                   for name, value in state.items()}}, args.pth)
    if args.input:
        rng = np.random.default_rng(args.seed)
        clip = rng.standard_normal((N_SEGMENT, 3, args.size, args.size_w or args.size),
                                   dtype=np.float32)
        if args.clip_f16:
            clip = clip.astype(np.float16)
            np.save(args.input, clip)
            clip = clip.astype(np.float32)
        else:
            np.save(args.input, clip)
        if args.output:
            logits, features, embedding = run(build(state), clip, args.threads)
            np.save(args.output, logits)
            if args.features:
                np.save(args.features, features)
            if args.embedding:
                np.save(args.embedding, embedding)


def cmd_bench(args):
    torch.set_num_threads(args.threads)
    model = build(convert_weights.load_state_dict(args.weights))
    model = model.to(memory_format=torch.channels_last)
    clip = torch.randn(N_SEGMENT, 3, args.size, args.size).to(memory_format=torch.channels_last)
    times = []
    with torch.no_grad():
        model(clip)
        for _ in range(args.runs):
            start = time.perf_counter()
            model(clip)
            times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    print(f'pytorch {torch.__version__} threads={args.threads} channels_last: '
          f'median {times[len(times) // 2]:.1f} ms per clip, min {times[0]:.1f} ms '
          f'({args.runs} runs)')


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('forward')
    p.add_argument('weights')
    p.add_argument('--input', required=True)
    p.add_argument('--output', required=True)
    p.add_argument('--features')
    p.add_argument('--embedding')
    p.add_argument('--threads', type=int)
    p.set_defaults(func=cmd_forward)
    p = sub.add_parser('random')
    p.add_argument('out')
    p.add_argument('--width', type=int, default=64)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--mixed-dtypes', action='store_true',
                   help='store convolutions as float16 and the head as bfloat16')
    p.add_argument('--embedding-size', type=int, default=300)
    p.add_argument('--small-unused', action='store_true',
                   help='make the unused action_p2_* tensors small (for a small fixture)')
    p.add_argument('--clip-f16', action='store_true', help='write the clip as float16')
    p.add_argument('--pth', help='also write the weights as an mmcv .pth checkpoint')
    p.add_argument('--input', help='also write a random clip here')
    p.add_argument('--size', type=int, default=224)
    p.add_argument('--size-w', type=int, help='width of the clip (default: --size)')
    p.add_argument('--output', help='and the reference logits here')
    p.add_argument('--features')
    p.add_argument('--embedding')
    p.add_argument('--threads', type=int)
    p.set_defaults(func=cmd_random)
    p = sub.add_parser('bench')
    p.add_argument('weights')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--runs', type=int, default=10)
    p.add_argument('--size', type=int, default=224)
    p.set_defaults(func=cmd_bench)
    args = parser.parse_args()
    args.func(args)


if __name__ == '__main__':
    main()
