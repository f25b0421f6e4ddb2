"""Writes PNG, TIFF and BMP files in every layout the image sources read, with Pillow (and tiffcp for tiles and
byte order), and beside each the samples Pillow decodes from it: DIR/cases.json lists file, width, height, samples per
pixel, bytes per sample, signedness, frames and the raw little-endian samples file.
Pillow writes no run-length BMP, so RLE8 and RLE4 files are encoded here from the bitmap specification (runs, absolute
literals, end of line, end of bitmap) and Pillow reads them."""
import json, os, struct, subprocess, sys
import numpy as np
from PIL import Image, TiffImagePlugin

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
cases = []

def pillow_samples(path):
    # Pillow reads uncompressed YCbCr only through libtiff (its own raw reader takes the samples for RGB).
    TiffImagePlugin.READ_LIBTIFF = "ycbcr" in os.path.basename(path)
    im = Image.open(path)
    frames = []
    for n in range(getattr(im, "n_frames", 1)):
        im.seek(n)
        f = im
        if f.mode == "P":
            # A bitmap whose colour table is all grey is greyscale (Pillow opens its run-length form as mode P).
            pal = f.getpalette()
            grey = im.format == "BMP" and all(pal[k] == pal[k + 1] == pal[k + 2] for k in range(0, len(pal), 3))
            f = f.convert("L" if grey else "RGB")
        elif f.mode == "LA":
            f = f.getchannel("L")
        elif f.mode in ("RGBA", "CMYK"):
            f = f.convert("RGB")
        a = np.array(f)
        if a.dtype == bool:
            # PNG and TIFF bilevel samples stay 0/1 (Bits Stored 1); a BMP's pass through its colour table (0/255).
            a = a.astype(np.uint8) * (255 if im.format == "BMP" else 1)
        if im.format == "PNG" and a.dtype == np.int32:
            a = a.astype(np.uint16)  # Pillow opens 16-bit PNG greyscale as 32-bit mode I
        frames.append(a)
    return frames

def record(name, refused=None):
    path = os.path.join(out, name)
    entry = {"file": name}
    if refused:
        entry["refused"] = refused
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
# YCbCr: Pillow's (no subsampling), one with 2x2 subsampling written here from TIFF 6.0 section 21, JPEG-in-TIFF
# (tiffcp makes RGB YCbCr under JPEG compression), strips and tiles; CMYK (ink set 1) in both byte orders and tiles.
Image.fromarray(rgb8).convert("YCbCr").save(os.path.join(out, "ycbcr_lzw.tif"), compression="tiff_lzw"); record("ycbcr_lzw.tif")
Image.fromarray(rgb8).convert("YCbCr").save(os.path.join(out, "ycbcr_raw.tif")); record("ycbcr_raw.tif")

def write_ycbcr_subsampled(name, ycc, sub):
    hgt, wid, _ = ycc.shape
    bw, bh = -(-wid // sub[0]), -(-hgt // sub[1])
    pad = np.pad(ycc, ((0, bh * sub[1] - hgt), (0, bw * sub[0] - wid), (0, 0)), mode="edge").astype(np.int32)
    units = bytearray()
    for by in range(bh):
        for bx in range(bw):
            block = pad[by * sub[1]:(by + 1) * sub[1], bx * sub[0]:(bx + 1) * sub[0]]
            units += bytes(block[:, :, 0].flatten().astype(np.uint8))  # Y, row by row within the unit
            units += bytes([int(round(block[:, :, 1].mean())), int(round(block[:, :, 2].mean()))])
    tags = [(256, 3, [wid]), (257, 3, [hgt]), (258, 3, [8, 8, 8]), (259, 3, [1]), (262, 3, [6]), (273, 4, [0]), (277, 3, [3]),
            (278, 3, [hgt]), (279, 4, [len(units)]), (284, 3, [1]), (530, 3, list(sub)), (532, 5, [0, 1, 255, 1, 128, 1, 255, 1, 128, 1, 255, 1])]
    ifd_at = 8 + len(units) + len(units) % 2
    extra_at = ifd_at + 2 + 12 * len(tags) + 4
    ifd, extra = bytearray(struct.pack("<H", len(tags))), bytearray()
    for tag, typ, vals in tags:
        if tag == 273: vals = [8]
        fmt = {3: "H", 4: "I", 5: "I"}[typ]
        data = struct.pack("<" + fmt * len(vals), *vals)
        count = len(vals) // 2 if typ == 5 else len(vals)
        if len(data) <= 4:
            ifd += struct.pack("<HHI", tag, typ, count) + data.ljust(4, b"\0")
        else:
            ifd += struct.pack("<HHII", tag, typ, count, extra_at + len(extra))
            extra += data
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(b"II*\0" + struct.pack("<I", ifd_at) + units + b"\0" * (len(units) % 2) + ifd + b"\0\0\0\0" + extra)
    record(name)

smooth = np.clip(np.cumsum(rng.integers(-9, 10, (h, w, 3)), axis=1) + 128, 0, 255).astype(np.uint8)
write_ycbcr_subsampled("ycbcr_sub22.tif", np.array(Image.fromarray(smooth).convert("YCbCr")), (2, 2))
write_ycbcr_subsampled("ycbcr_sub21.tif", np.array(Image.fromarray(smooth).convert("YCbCr")), (2, 1))
write_ycbcr_subsampled("ycbcr_sub42.tif", np.array(Image.fromarray(smooth).convert("YCbCr")), (4, 2))
write_ycbcr_subsampled("ycbcr_sub44.tif", np.array(Image.fromarray(smooth).convert("YCbCr")), (4, 4))
# The same 4:2:0 samples labelled LZW: vertically subsampled YCbCr is read uncompressed only (LibTiff.NET mis-sizes it).
with open(os.path.join(out, "ycbcr_sub22.tif"), "rb") as fh:
    lzw = bytearray(fh.read())
ifd = struct.unpack_from("<I", lzw, 4)[0]
for k in range(struct.unpack_from("<H", lzw, ifd)[0]):
    if struct.unpack_from("<H", lzw, ifd + 2 + 12 * k)[0] == 259: struct.pack_into("<H", lzw, ifd + 2 + 12 * k + 8, 5)
with open(os.path.join(out, "ycbcr_sub22_lzw.tif"), "wb") as fh:
    fh.write(lzw)
cases.append({"file": "ycbcr_sub22_lzw.tif", "refused": "read only uncompressed"})
# A photograph-like image for JPEG (detail in brightness, colour varying slowly), as JPEG's chroma subsampling expects.
yy, xx = np.mgrid[0:h, 0:w]
photo = np.dstack([np.clip(90 + 3 * xx + rng.integers(-20, 21, (h, w)), 0, 255), np.clip(60 + 4 * yy + rng.integers(-20, 21, (h, w)), 0, 255),
                   np.clip(200 - 2 * xx - 2 * yy + rng.integers(-20, 21, (h, w)), 0, 255)]).astype(np.uint8)
Image.fromarray(photo).save(os.path.join(out, "smooth_rgb.tif"))
for name, args, src in [("jpeg_ycbcr.tif", ["-c", "jpeg:90"], "smooth_rgb.tif"), ("jpeg_ycbcr_tiles.tif", ["-c", "jpeg:90", "-t", "-w", "16", "-l", "16"], "smooth_rgb.tif"),
                        ("jpeg_grey.tif", ["-c", "jpeg"], "grey8_none.tif")]:
    subprocess.run(["tiffcp"] + args + [os.path.join(out, src), os.path.join(out, name)], check=True)
    record(name)
    if "ycbcr" in name: cases[-1]["tolerance"] = "chroma upsampling"  # LibJpeg.NET and libjpeg-turbo upsample differently
Image.frombytes("CMYK", (w, h), rgba8.tobytes()).save(os.path.join(out, "cmyk.tif"), compression="tiff_lzw"); record("cmyk.tif")
subprocess.run(["tiffcp", "-B", "-t", "-w", "16", "-l", "16", os.path.join(out, "cmyk.tif"), os.path.join(out, "cmyk_be_tiles.tif")], check=True)
record("cmyk_be_tiles.tif")
# Floating point: 32-bit by Pillow (every kind of value: normal, subnormal, huge, signed zero, infinities, NaN), re-laid
# by tiffcp (big-endian, tiles, LZW with the floating-point predictor); 64-bit written here from TIFF 6.0 and re-laid
# the same way, checked against the array itself (Pillow reads 64-bit floats as 32-bit).
floats = rng.standard_normal((h, w)).astype(np.float32) * np.float32(1e3)
floats.flat[:6] = [0.0, -0.0, np.inf, -np.inf, np.float32(1e-42), np.float32(3.4e38)]
floats.view(np.uint32).flat[6] = 0x7FC01234  # a NaN with a payload
Image.fromarray(floats, "F").save(os.path.join(out, "float32.tif")); record("float32.tif")
for name, args in [("float32_be.tif", ["-B"]), ("float32_tiles.tif", ["-t", "-w", "16", "-l", "16"]), ("float32_lzw_pred3.tif", ["-c", "lzw:3", "-r", "5"]),
                   ("float32_be_tiles_zip.tif", ["-B", "-t", "-w", "16", "-l", "16", "-c", "zip:3"]), ("float32_be_pred3.tif", ["-B", "-c", "zip:3"])]:
    subprocess.run(["tiffcp"] + args + [os.path.join(out, "float32.tif"), os.path.join(out, name)], check=True)
    record(name)

def record_array(name, array):
    with open(os.path.join(out, name + ".samples"), "wb") as fh:
        fh.write(array.astype(array.dtype.newbyteorder("<")).tobytes())
    cases.append({"file": name, "width": array.shape[1], "height": array.shape[0], "spp": 1, "bytes": array.dtype.itemsize,
                  "signed": False, "frames": 1, "samples": name + ".samples"})

doubles = rng.standard_normal((h, w)) * 1e100
doubles.flat[:3] = [-0.0, np.inf, 5e-324]
tags = [(256, 3, w), (257, 3, h), (258, 3, 64), (259, 3, 1), (262, 3, 1), (273, 4, 8), (277, 3, 1), (278, 3, h), (279, 4, doubles.nbytes), (339, 3, 3)]
with open(os.path.join(out, "float64.tif"), "wb") as fh:
    fh.write(b"II*\0" + struct.pack("<I", 8 + doubles.nbytes) + doubles.astype("<f8").tobytes() + struct.pack("<H", len(tags))
             + b"".join(struct.pack("<HHI", t, ty, 1) + (struct.pack("<HH", v, 0) if ty == 3 else struct.pack("<I", v)) for t, ty, v in tags) + b"\0" * 4)
record_array("float64.tif", doubles)
for name, args in [("float64_be_tiles.tif", ["-B", "-t", "-w", "16", "-l", "16"]), ("float64_lzw_pred3.tif", ["-c", "lzw:3"]), ("float64_be_pred3.tif", ["-B", "-c", "zip:3"])]:
    subprocess.run(["tiffcp"] + args + [os.path.join(out, "float64.tif"), os.path.join(out, name)], check=True)
    record_array(name, doubles)

# BMP: 24-bit, 8-bit grey table, 8-bit colour table, 1-bit, 32-bit.
Image.fromarray(rgb8).save(os.path.join(out, "rgb24.bmp")); record("rgb24.bmp")
Image.fromarray(grey8).save(os.path.join(out, "grey8.bmp")); record("grey8.bmp")
Image.fromarray(rgb8).quantize(100).save(os.path.join(out, "palette8.bmp")); record("palette8.bmp")
Image.fromarray(bits).convert("1").save(os.path.join(out, "bilevel.bmp")); record("bilevel.bmp")
Image.fromarray(rgba8, "RGBA").save(os.path.join(out, "rgba32.bmp")); record("rgba32.bmp")

# BMP RLE8 / RLE4 (BITMAPINFOHEADER compression 1 / 2), rows bottom-up. Pillow 9.4 misreads deltas and RLE4 literals
# of odd length, so these files use runs, even literals, end of line and end of bitmap (the rest: BmpRleTests).
def rle_row(row, rle4):
    out, i, n = bytearray(), 0, len(row)
    while i < n:
        j = i
        if rle4:  # a run repeats a pair of nibbles: equal samples two apart
            while j + 2 < n and j - i < 253 and row[j + 2] == row[j]: j += 1
            run = j - i + 2 if j > i else 1
        else:
            while j + 1 < n and j - i < 254 and row[j + 1] == row[i]: j += 1
            run = j - i + 1
        if run >= 3 or n - i < 4:
            run = min(run, n - i)
            out += bytes([run, (row[i] << 4 | (row[i + 1] if run > 1 else 0)) if rle4 else row[i]])
            i += run
            continue
        lit = min(n - i, 40)
        if rle4 and lit % 2: lit -= 1
        data = bytes((row[i + k] << 4 | row[i + k + 1]) for k in range(0, lit, 2)) if rle4 else bytes(row[i:i + lit])
        out += bytes([0, lit]) + data + (b"\0" if len(data) % 2 else b"")
        i += lit
    return out + b"\0\0"

def write_rle_bmp(name, indices, palette, rle4):
    hgt, wid = indices.shape
    bits = b"".join(rle_row(list(indices[hgt - 1 - y]), rle4) for y in range(hgt)) + b"\0\1"
    table = b"".join(bytes([b, g, r, 0]) for r, g, b in palette)
    offset = 14 + 40 + len(table)
    header = struct.pack("<2sIHHI", b"BM", offset + len(bits), 0, 0, offset)
    info = struct.pack("<IiiHHIIiiII", 40, wid, hgt, 1, 4 if rle4 else 8, 2 if rle4 else 1, len(bits), 2835, 2835, len(palette), 0)
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(header + info + table + bits)
    record(name)

# Images with runs and noise, so every kind of record occurs.
blocks = np.repeat(rng.integers(0, 200, (h, 5), dtype=np.uint8), 8, axis=1)[:, :w]
noisy = np.where(rng.random((h, w)) < 0.3, rng.integers(0, 200, (h, w)), blocks).astype(np.uint8)
colours = [tuple(int(v) for v in rng.integers(0, 256, 3)) for _ in range(200)]
write_rle_bmp("rle8.bmp", noisy, colours, rle4=False)
write_rle_bmp("rle4_grey.bmp", noisy % 16, [(17 * i, 17 * i, 17 * i) for i in range(16)], rle4=True)
write_rle_bmp("rle4_colour.bmp", (noisy[:, ::-1] % 12).copy(), colours[:12], rle4=True)

with open(os.path.join(out, "cases.json"), "w") as fh:
    json.dump(cases, fh, indent=1)
