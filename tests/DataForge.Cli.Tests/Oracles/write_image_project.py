"""A mixed project with identifiers planted everywhere an image source keeps them: DICOM CR of two patients
(pydicom), and PNG, TIFF and BMP exports of the same patients (Pillow) with identifiers in PNG text chunks, TIFF
tags, EXIF and XMP (exiftool), JSON and XML sidecars, a CSV table and the file names. Writes DIR/planted.json (every
planted value) and DIR/pixels.json (per exported image: its path and Pillow's decoding, for the png layout check)."""
import datetime, json, os, subprocess, sys
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from PIL import Image, PngImagePlugin, TiffImagePlugin

root = sys.argv[1]
rng = np.random.default_rng(11)
planted = []
def plant(v):
    planted.append(v)
    return v

patients = [("PX-4417", "Planted^Jane", "19610203"), ("PX-5528", "Planted^Richard", "19700415")]
os.makedirs(os.path.join(root, "dicom"), exist_ok=True)
for n, (pid, name, birth) in enumerate(patients):
    plant(pid); plant(name)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.PatientID, ds.PatientName, ds.PatientBirthDate, ds.PatientSex = pid, name, birth, "F"
    ds.StudyDate, ds.StudyTime, ds.AccessionNumber, ds.ReferringPhysicianName, ds.StudyID = "20230405", "101112", "ACC%d" % n, "", "1"
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = "CR", 1, 1
    ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.Rows, ds.Columns = 1, "MONOCHROME2", 24, 32
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = rng.integers(0, 4096, (24, 32), dtype=np.uint16).tobytes()
    ds.save_as(os.path.join(root, "dicom", "cr%d.dcm" % n), write_like_original=False)

pixels = []
def keep(path):
    a = np.array(Image.open(os.path.join(root, path)).convert("RGB" if path.endswith("rgb.png") else "L"))
    pixels.append({"path": path, "shape": list(a.shape), "samples": a.flatten().tolist()})

# Source "json": PNG exports with JSON sidecars; a folder and file named after the patient.
folder = os.path.join(root, "json", "DOE_JANE_" + plant("MRN778812"))
os.makedirs(folder, exist_ok=True)
info = PngImagePlugin.PngInfo()
info.add_text("Author", plant("Jane Planted-Author"))
info.add_itxt("Description", plant("Chest film of Jane Planted-Itxt"), zip=False)
info.add_text("Comment", plant("Zipped comment Planted-Ztxt"), zip=True)
info.add_text("PatientName", plant("Keyword-Planted-Name"))
grey = rng.integers(0, 256, (20, 30), dtype=np.uint8)
Image.fromarray(grey).save(os.path.join(folder, "chest_pa.png"), pnginfo=info)
json.dump({"PatientID": "PX-4417", "PatientName": "Planted^Jane", "PatientBirthDate": "1961-02-03", "StudyDate": "2023-04-05",
           "InstitutionName": plant("Planted General Hospital"), "notes": plant("seen by Dr Planted-Physician"),
           "view": "PA", "side": "right", "spacing": [0.2, 0.25], "Manufacturer": "Acme"},
          open(os.path.join(folder, "chest_pa.json"), "w"))
keep(os.path.relpath(os.path.join(folder, "chest_pa.png"), root))
photo = os.path.join(root, "json", "photo_rgb.png")
exif = Image.Exif()
exif[0x013B] = plant("Exif-Artist-Planted")
exif[0x010E] = plant("Exif description Planted-Desc")
Image.fromarray(rng.integers(0, 256, (16, 18, 3), dtype=np.uint8)).save(photo, exif=exif.tobytes())
subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Creator=" + plant("Xmp-Creator-Planted"),
                "-XMP-dc:Description=" + plant("Xmp description Planted-Xmp"), photo], check=True)
json.dump({"PatientID": "PX-5528", "view": "AP"}, open(os.path.join(root, "json", "photo_rgb.json"), "w"))
keep("json/photo_rgb.png")

# Source "xml": a 16-bit TIFF with identifying tags (and a private one) and an XML sidecar.
os.makedirs(os.path.join(root, "xml"), exist_ok=True)
tags = TiffImagePlugin.ImageFileDirectory_v2()
tags[270] = plant("Patient Richard Planted-Description")
tags[315] = plant("Tech Planted-Artist")
tags[269] = plant("Planted-Document-Name")
tags[316] = plant("WS-PLANTED-HOST")
tags[306] = "2023:04:05 10:11:12"
tags[65000] = plant("Private-Tag-Planted")
tags.tagtype[65000] = 2
Image.fromarray(rng.integers(0, 65536, (12, 14), dtype=np.uint16)).save(os.path.join(root, "xml", "scan_01.tif"), tiffinfo=tags)
with open(os.path.join(root, "xml", "scan_01.xml"), "w") as fh:
    fh.write('<?xml version="1.0"?><meta><patient id="PX-5528"><name>Planted^Richard</name><mrn>%s</mrn></patient>'
             '<study>%s</study><modality>DX</modality><spacing>0.15\\0.15</spacing></meta>' % (plant("MRN-XML-99001"), plant("STUDY-PLANTED-7")))

# Source "table": a BMP with its row in a CSV table.
os.makedirs(os.path.join(root, "table"), exist_ok=True)
Image.fromarray(rng.integers(0, 256, (10, 12), dtype=np.uint8)).save(os.path.join(root, "table", "img_a.bmp"))
with open(os.path.join(root, "table", "table.csv"), "w") as fh:
    fh.write("file,patient,note\nimg_a.bmp,PX-4417,%s\n" % plant("Csv-Note-Planted"))
keep("table/img_a.bmp")

json.dump(planted, open(os.path.join(root, "planted.json"), "w"), indent=1)
json.dump(pixels, open(os.path.join(root, "pixels.json"), "w"))
