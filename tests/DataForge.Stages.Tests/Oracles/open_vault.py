"""Opens a DataForge vault with the Python 'cryptography' package: an independent check of its format.

usage: open_vault.py VAULT SECRET   (SECRET as the UTF-8 text of the project secret)
Prints the decrypted JSON; exits 3 when the tag does not verify.
"""
import sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.exceptions import InvalidTag

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"DFVAULT\n", "magic"
assert data[8] == 1, "version"
key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"dataforge/vault/v1").derive(sys.argv[2].encode())
try:
    plain = AESGCM(key).decrypt(data[17:29], data[29:], data[:29])
except InvalidTag:
    print("invalid tag", file=sys.stderr)
    sys.exit(3)
sys.stdout.write(plain.decode("utf-8"))
