#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The MA-52 test pipeline of MANet in PyTorch, as a reference for Fidget's pre-processing.

    preprocess_reference.py preprocess FRAMES.npy OUT.npy [FRAMES.npy OUT.npy ...]
        FRAMES: float32 (T, H, W, 3) RGB pictures with values 0..255 (as decoded);
        OUT: float32 (T, 3, 224, 224), resized (short side 256), centre-cropped, normalised.
    preprocess_reference.py sample N...
        prints, one line per N, the 8 frame offsets that mmaction2's SampleFrames picks in test
        mode (clip_len=1, frame_interval=1, num_clips=8) from a segment of N frames.

mmaction2's Resize goes through mmcv.imresize, i.e. OpenCV's INTER_LINEAR: half-pixel centres
(PyTorch's align_corners=False) and no anti-aliasing when shrinking (antialias=False); the size
comes from mmcv.rescale_size. OpenCV computes on uint8 and rounds the resized picture to whole
grey levels; this reference, like Fidget, keeps the interpolated values unrounded. It runs in
float64: in float32 PyTorch rounds each source position to float32 (1.2e-4 pixel near x = 2000),
which moves 1080p results by up to 3e-4 after normalisation.
"""

import sys

import numpy as np
import torch
import torch.nn.functional as F

MEAN = torch.tensor([123.675, 116.28, 103.53], dtype=torch.float64).view(1, 3, 1, 1)
STD = torch.tensor([58.395, 57.12, 57.375], dtype=torch.float64).view(1, 3, 1, 1)


def rescale_size(w, h, short=256):
    """mmcv.rescale_size((w, h), (inf, short))."""
    scale = min(float('inf') / max(h, w), short / min(h, w))
    return int(w * float(scale) + 0.5), int(h * float(scale) + 0.5)


def preprocess(frames):
    x = torch.from_numpy(np.ascontiguousarray(frames, dtype=np.float64)).permute(0, 3, 1, 2)
    h, w = x.shape[2], x.shape[3]
    new_w, new_h = rescale_size(w, h)
    x = F.interpolate(x, size=(new_h, new_w), mode='bilinear', align_corners=False,
                      antialias=False)
    # mmaction2 CenterCrop: left = (img_w - crop_w) // 2, top = (img_h - crop_h) // 2.
    left, top = (new_w - 224) // 2, (new_h - 224) // 2
    x = x[:, :, top:top + 224, left:left + 224]
    return ((x - MEAN) / STD).contiguous().numpy().astype(np.float32)


def sample(num_frames, num_clips=8, clip_len=1, frame_interval=1):
    """mmaction2 0.x SampleFrames._get_test_clips (twice_sample off), plus clip_len frames."""
    ori_clip_len = clip_len * frame_interval
    avg_interval = (num_frames - ori_clip_len + 1) / float(num_clips)
    if num_frames > ori_clip_len - 1:
        base_offsets = np.arange(num_clips) * avg_interval
        clip_offsets = (base_offsets + avg_interval / 2.0).astype(np.int64)
    else:
        clip_offsets = np.zeros((num_clips,), dtype=np.int64)
    inds = clip_offsets[:, None] + np.arange(clip_len)[None, :] * frame_interval
    return np.concatenate(inds)


def main():
    if sys.argv[1] == 'preprocess':
        for frames, out in zip(sys.argv[2::2], sys.argv[3::2]):
            np.save(out, preprocess(np.load(frames)))
    elif sys.argv[1] == 'sample':
        for n in sys.argv[2:]:
            print(' '.join(str(int(i)) for i in sample(int(n))))
    else:
        sys.exit('unknown command ' + sys.argv[1])


if __name__ == '__main__':
    main()
