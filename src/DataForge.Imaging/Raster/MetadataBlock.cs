namespace DataForge.Imaging.Raster;

/// <summary>
/// One field of a metadata block of an image file: the block (PNG text chunk, TIFF IFD0, EXIF, XMP, ...), the
/// field's name, its value as text, and whether the value is text that may identify someone (a searched
/// identifier, shown only redacted outside the private zone) rather than a number or format fact.
/// </summary>
public sealed record MetadataBlock(string Block, string Field, string Value, bool IsText);
