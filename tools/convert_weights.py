#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Convert MANet weights from PyTorch to safetensors for Fidget's built-in engine.

    tools/convert_weights.py manet_ma52.pth manet_ma52.safetensors [--dtype f32|f16|bf16]

The input is the released mmcv checkpoint (a dict whose "state_dict" holds the weights) or a
plain state_dict, as written by torch.save. Keys keep their official names (a leading
"module." from DataParallel is dropped); the unused action_p2_* weights and the
num_batches_tracked counters are left out. Needs only python3-torch (no mmcv).
"""

import argparse
import json
import struct
import sys

import numpy as np

DTYPE_CODES = {
    np.dtype('float32'): 'F32', np.dtype('float16'): 'F16', np.dtype('float64'): 'F64',
    np.dtype('int64'): 'I64', np.dtype('int32'): 'I32', np.dtype('int16'): 'I16',
    np.dtype('int8'): 'I8', np.dtype('uint8'): 'U8', np.dtype('bool'): 'BOOL',
}


def is_unused(name):
    """Tensors of the official checkpoint that the forward pass never reads."""
    return name.endswith('.num_batches_tracked') or '.conv1.conv.action_p2_' in name


def to_bf16_bits(array):
    """float32 -> bfloat16 bits (uint16), rounding to nearest even."""
    bits = np.ascontiguousarray(array, dtype=np.float32).view(np.uint32)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    return ((bits + rounding) >> 16).astype(np.uint16)


def bf16_bits_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def write_safetensors(path, tensors, dtypes=None):
    """tensors: {name: numpy array}; dtypes: {name: 'F32'|'F16'|'BF16'} to store floats as."""
    dtypes = dtypes or {}
    header = {}
    blobs = []
    offset = 0
    for name, array in tensors.items():
        array = np.asarray(array)
        code = dtypes.get(name)
        if code == 'BF16':
            data = to_bf16_bits(array).astype('<u2').tobytes()
        elif code == 'F16':
            data = np.ascontiguousarray(array, dtype='<f2').tobytes()
        elif code == 'F32' or (code is None and array.dtype.kind == 'f'):
            code = 'F32'
            data = np.ascontiguousarray(array, dtype='<f4').tobytes()
        else:
            code = DTYPE_CODES[array.dtype]
            data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': code, 'shape': list(array.shape),
                        'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def read_safetensors(path):
    """-> {name: float32 numpy array} (integer tensors as they are)."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        begin, end = info['data_offsets']
        data = raw[base + begin:base + end]
        shape = info['shape']
        code = info['dtype']
        if code == 'BF16':
            array = bf16_bits_to_f32(np.frombuffer(data, dtype='<u2'))
        elif code == 'F16':
            array = np.frombuffer(data, dtype='<f2').astype(np.float32)
        elif code == 'F32':
            array = np.frombuffer(data, dtype='<f4').astype(np.float32)
        else:
            inverse = {v: k for k, v in DTYPE_CODES.items()}
            array = np.frombuffer(data, dtype=inverse[code].newbyteorder('<'))
        out[name] = array.reshape(shape)
    return out


def load_state_dict(path):
    """A .pth mmcv checkpoint or state_dict, or a .safetensors file -> {name: numpy array}."""
    if path.endswith('.safetensors'):
        return read_safetensors(path)
    import torch
    checkpoint = torch.load(path, map_location='cpu')
    if isinstance(checkpoint, dict) and 'state_dict' in checkpoint:
        checkpoint = checkpoint['state_dict']
    if not isinstance(checkpoint, dict):
        raise SystemExit(f'{path} holds neither a checkpoint nor a state_dict')
    out = {}
    for name, value in checkpoint.items():
        if name.startswith('module.'):
            name = name[len('module.'):]
        if hasattr(value, 'detach'):
            value = value.detach().cpu()
            if value.dtype.is_floating_point:
                value = value.float()
            value = value.numpy()
        out[name] = np.asarray(value)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('input', help='.pth checkpoint or state_dict')
    parser.add_argument('output', help='.safetensors file to write')
    parser.add_argument('--dtype', choices=['f32', 'f16', 'bf16'], default='f32',
                        help='how to store the weights (default f32, exact)')
    args = parser.parse_args()

    state = load_state_dict(args.input)
    tensors = {}
    for name, array in state.items():
        if is_unused(name):
            continue
        if array.dtype.kind != 'f':
            raise SystemExit(f'{args.input}: tensor {name} is {array.dtype}, not floating point')
        tensors[name] = array.astype(np.float32)
    if 'cls_head.fc_cls.weight' not in tensors or 'backbone.conv1.conv.weight' not in tensors:
        raise SystemExit(f'{args.input} does not look like MANet weights '
                         '(no backbone.conv1.conv.weight or cls_head.fc_cls.weight)')
    code = {'f32': 'F32', 'f16': 'F16', 'bf16': 'BF16'}[args.dtype]
    write_safetensors(args.output, tensors, {name: code for name in tensors})
    print(f'{args.output}: {len(tensors)} tensors, '
          f'{sum(a.size for a in tensors.values())} parameters', file=sys.stderr)


if __name__ == '__main__':
    main()
