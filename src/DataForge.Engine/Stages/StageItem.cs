using System.Text.Json;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Stages;

/// <summary>One input of an action, as a stage sees it.</summary>
public abstract class StageItem
{
    /// <summary>SHA-256 of the content.</summary>
    public abstract ContentHash Hash { get; }

    /// <summary>Content length in bytes.</summary>
    public abstract long Size { get; }

    /// <summary>
    /// Relative path (source-relative for source files, output-relative for stage outputs); null
    /// unless the stage's definition sets <see cref="StageDefinition.ReadsInputPaths"/>.
    /// </summary>
    public abstract string? Path { get; }

    /// <summary>Small JSON metadata emitted by the upstream stage; <c>{}</c> for source files. Kept once read.</summary>
    public abstract JsonElement Metadata { get; }

    /// <summary>
    /// The metadata, without keeping it when it was not read before: for a stage that reads each of many items' metadata
    /// once (a report over 100,000 instances would otherwise hold them all until it is done).
    /// </summary>
    public virtual JsonElement ReadMetadataOnce() => Metadata;

    /// <summary>Opens the content for reading; reading past a change to the file fails the action.</summary>
    public abstract Stream OpenRead();

    /// <summary>Reads the whole content, checked against <see cref="Hash"/>.</summary>
    public abstract byte[] ReadAllBytes();
}
