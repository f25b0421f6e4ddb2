using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace DataForge.Stages.Dicom;

/// <summary>
/// The original SOP Instance UID an image of an image source (<c>kind: image</c>) is given as a Secondary Capture
/// instance: a 2.25 UID hashed from the source id and the image's own id (its sidecar's fields.id) or else its
/// source-relative path without extension. The image
/// stage writes it, and the labels stage computes it from a COCO <c>file_name</c>, so labels can name images of image
/// sources by file. Private: the de-identifier replaces it by a keyed UID like any other.
/// </summary>
public static class ImageSourceInstances
{
    /// <summary>The instance UID of the image at <paramref name="stem"/> (path without extension) in source <paramref name="sourceId"/>.</summary>
    public static string Uid(string sourceId, string stem) => HashUid("image-instance\0" + sourceId + "\0" + stem);

    /// <summary>The instance UID of the image whose sidecar gives it <paramref name="id"/> (fields.id) in source <paramref name="sourceId"/>.</summary>
    public static string UidOfId(string sourceId, string id) => HashUid("image-id\0" + sourceId + "\0" + id.Trim());

    /// <summary>The path of an image without its extension: what ties it to its sidecar, table row and labels.</summary>
    public static string StemOf(string relativePath)
    {
        var slash = relativePath.LastIndexOf('/');
        var dot = relativePath.LastIndexOf('.');
        return dot > slash + 1 ? relativePath[..dot] : relativePath;
    }

    /// <summary>A 2.25 UID from the first 128 bits of the text's SHA-256.</summary>
    public static string HashUid(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var number = new BigInteger(hash.AsSpan(0, 16), isUnsigned: true, isBigEndian: true);
        return "2.25." + number.ToString(CultureInfo.InvariantCulture);
    }
}
