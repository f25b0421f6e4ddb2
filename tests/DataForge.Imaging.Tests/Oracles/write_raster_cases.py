"""Writes PNG, TIFF and BMP files in every layout the image sources read, with Pillow (and tiffcp for tiles and
byte order), and beside each the samples Pillow decodes from it: DIR/cases.json lists file, width, height, samples per
pixel, bytes per sample, signedness, frames and the raw little-endian samples file. Float TIFF is listed as refused."""
import json, os, subprocess, sys
import numpy as np
from PIL import Image

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
cases = []

def pillow_samples(path):
    im = Image.open(path)
    frames = []
    for n in range(getattr(im, "n_frames", 1)):
        im.seek(n)
        f = im
        if f.mode == "P":
            f = f.convert("RGB")
        elif f.mode == "LA":
            f = f.getchannel("L")
        elif f.mode == "RGBA":
            f = f.convert("RGB")
        a = np.array(f)
        if a.dtype == bool:
            # PNG and TIFF bilevel samples stay 0/1 (Bits Stored 1); a BMP's pass through its colour table (0/255).
            a = a.astype(np.uint8) * (255 if im.format == "BMP" else 1)
        if im.format == "PNG" and a.dtype == np.int32:
            a = a.astype(np.uint16)  # Pillow opens 16-bit PNG greyscale as 32-bit mode I
        frames.append(a)
    return frames

def record(name, refused=False):
    path = os.path.join(out, name)
    entry = {"file": name}
    if refused:
        entry["refused"] = True
        cases.append(entry)
        return
    frames = pillow_samples(path)
    a = frames[0]
    entry.update(width=a.shape[1], height=a.shape[0], spp=1 if a.ndim == 2 else a.shape[2],
                 bytes=a.dtype.itemsize, signed=a.dtype.kind == "i", frames=len(frames))
    raw = b"".join(f.astype(f.dtype.newbyteorder("<")).tobytes() for f in frames)
    with open(path + ".samples", "wb") as fh:
        fh.write(raw)
    entry["samples"] = name + ".samples"
    cases.append(entry)

w, h = 37, 23
grey8 = rng.integers(0, 256, (h, w), dtype=np.uint8)
grey16 = rng.integers(0, 65536, (h, w), dtype=np.uint16)
rgb8 = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
rgba8 = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
bits = rng.integers(0, 2, (h, w), dtype=np.uint8) * 255

# PNG: grey 1/8/16, grey+alpha, RGB, RGBA, palette (8 and 4 bits), interlaced.
Image.fromarray(bits).convert("1").save(os.path.join(out, "grey1.png")); record("grey1.png")
Image.fromarray(grey8).save(os.path.join(out, "grey8.png")); record("grey8.png")
Image.fromarray(grey16).save(os.path.join(out, "grey16.png")); record("grey16.png")
Image.fromarray(np.dstack([grey8, grey8[::-1]])).convert("LA").save(os.path.join(out, "grey_alpha.png")); record("grey_alpha.png")
Image.fromarray(rgb8).save(os.path.join(out, "rgb8.png")); record("rgb8.png")
Image.fromarray(rgba8, "RGBA").save(os.path.join(out, "rgba8.png")); record("rgba8.png")
Image.fromarray(rgb8).quantize(200).save(os.path.join(out, "palette8.png")); record("palette8.png")
Image.fromarray(rgb8).quantize(16).save(os.path.join(out, "palette4.png"), bits=4); record("palette4.png")
Image.fromarray(grey8).save(os.path.join(out, "interlaced.png"), interlace=1); record("interlaced.png")

# TIFF: 8/16/32-bit integer, grey and RGB, LZW/Deflate/PackBits/none, big-endian, multi-page, tiles, palette, 1-bit.
Image.fromarray(grey8).save(os.path.join(out, "grey8_none.tif"), compression="raw"); record("grey8_none.tif")
Image.fromarray(grey8).save(os.path.join(out, "grey8_lzw.tif"), compression="tiff_lzw"); record("grey8_lzw.tif")
Image.fromarray(grey8).save(os.path.join(out, "grey8_packbits.tif"), compression="packbits"); record("grey8_packbits.tif")
Image.fromarray(rgb8).save(os.path.join(out, "rgb8_deflate.tif"), compression="tiff_adobe_deflate"); record("rgb8_deflate.tif")
Image.fromarray(grey16).save(os.path.join(out, "grey16_le.tif")); record("grey16_le.tif")
Image.fromarray(grey16.astype(">u2"), "I;16B").save(os.path.join(out, "grey16_be.tif")); record("grey16_be.tif")
Image.fromarray(rng.integers(-2**31, 2**31 - 1, (h, w), dtype=np.int32), "I").save(os.path.join(out, "int32.tif")); record("int32.tif")
Image.fromarray(bits).convert("1").save(os.path.join(out, "bilevel.tif")); record("bilevel.tif")
Image.fromarray(rgb8).quantize(50).save(os.path.join(out, "palette.tif")); record("palette.tif")
pages = [Image.fromarray(rng.integers(0, 65536, (h, w), dtype=np.uint16)) for _ in range(3)]
pages[0].save(os.path.join(out, "pages16.tif"), save_all=True, append_images=pages[1:], compression="tiff_lzw"); record("pages16.tif")
for name, args in [("tiled16_be.tif", ["-t", "-w", "16", "-l", "16", "-B", "-c", "zip"]), ("tiled_rgb.tif", ["-t", "-w", "16", "-l", "16", "-c", "lzw"])]:
    src = "grey16_le.tif" if name.startswith("tiled16") else "rgb8_deflate.tif"
    subprocess.run(["tiffcp"] + args + [os.path.join(out, src), os.path.join(out, name)], check=True)
    record(name)
subprocess.run(["tiffcp", "-B", "-c", "lzw", "-r", "5", os.path.join(out, "pages16.tif"), os.path.join(out, "pages16_be_strips.tif")], check=True)
record("pages16_be_strips.tif")
# Separate colour planes (PlanarConfiguration 2), in strips and in tiles.
for name, args in [("planar_rgb_strips.tif", ["-p", "separate", "-c", "lzw", "-r", "7"]), ("planar_rgb_tiles.tif", ["-p", "separate", "-t", "-w", "16", "-l", "16"])]:
    subprocess.run(["tiffcp"] + args + [os.path.join(out, "rgb8_deflate.tif"), os.path.join(out, name)], check=True)
    record(name)
Image.fromarray(rng.random((h, w), dtype=np.float32), "F").save(os.path.join(out, "float32.tif")); record("float32.tif", refused=True)

# BMP: 24-bit, 8-bit grey table, 8-bit colour table, 1-bit, 32-bit.
Image.fromarray(rgb8).save(os.path.join(out, "rgb24.bmp")); record("rgb24.bmp")
Image.fromarray(grey8).save(os.path.join(out, "grey8.bmp")); record("grey8.bmp")
Image.fromarray(rgb8).quantize(100).save(os.path.join(out, "palette8.bmp")); record("palette8.bmp")
Image.fromarray(bits).convert("1").save(os.path.join(out, "bilevel.bmp")); record("bilevel.bmp")
Image.fromarray(rgba8, "RGBA").save(os.path.join(out, "rgba32.bmp")); record("rgba32.bmp")

with open(os.path.join(out, "cases.json"), "w") as fh:
    json.dump(cases, fh, indent=1)
